"""Rules an interception must satisfy, shared by the API and the CSV import.

Pure checks raise `RuleError(field, reason)`; the API turns that into a 422,
the import collects it as a per-row error.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.caller import Caller
from accounts.tables import Branch
from core.clock import utcnow
from core.errors import Field, Forbidden, Message, Unprocessable, message_of
from core.money import AmountError, parse_amount
from events.tables import Event
from interceptions.masking import BANK_CARD, ID_CARD, MOBILE, personal_numbers

# Phones and tills run a little fast; more than this is a typo, not skew.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class RuleError(ValueError):
    def __init__(self, field: str, reason: str | Message, **params: object) -> None:
        self.message = reason if isinstance(reason, Message) else Message(reason, **params)
        self.field = field
        self.reason = str(self.message)
        super().__init__(f"{field}: {self.reason}")


def unprocessable(error: RuleError) -> Unprocessable:
    # `extra` names the field by its code (as a 400 does), since the detail shows its label.
    return Unprocessable(
        "{field}: {reason}",
        extra=[{"key": error.field, "message": error.reason}],
        field=Field(error.field),
        reason=error.message,
    )


# A client_ref is a key: it is stored, kept in the history and exported exactly as
# sent, never masked. So it may not carry a personal number at all.
_CLIENT_REF_REFUSALS = {
    ID_CARD: Message(
        "The client_ref holds what looks like an ID-card number; a client_ref is stored and "
        "exported unmasked, so use a key without personal data, such as a random UUID."
    ),
    MOBILE: Message(
        "The client_ref holds what looks like a mobile number; a client_ref is stored and "
        "exported unmasked, so use a key without personal data, such as a random UUID."
    ),
    BANK_CARD: Message(
        "The client_ref holds what looks like a bank card number; a client_ref is stored and "
        "exported unmasked, so use a key without personal data, such as a random UUID."
    ),
}


def check_client_ref(value: str) -> str:
    """The key as sent, unless it holds a personal number."""
    kinds = personal_numbers(value)
    if kinds:
        raise RuleError("client_ref", _CLIENT_REF_REFUSALS[kinds[0]])
    return value


def check_amount(value: object) -> int:
    """Yuan as a decimal string → fen."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise RuleError(
            "amount_saved", 'must be a decimal string such as "86000.00", not a JSON number'
        )
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise RuleError("amount_saved", message_of(exc)) from None


def check_occurred_at(value: datetime, now: datetime | None = None) -> datetime:
    """The instant in UTC; not before 2000 and not in the future."""
    if value.tzinfo is None:
        raise RuleError("occurred_at", "needs a time zone offset, e.g. +08:00")
    try:
        instant = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise RuleError("occurred_at", "is not a usable date") from None
    if instant < EARLIEST:
        raise RuleError("occurred_at", "is before the year 2000; check the date")
    if instant > (now or utcnow()) + CLOCK_SKEW:
        raise RuleError(
            "occurred_at", "is in the future; an interception is logged after it happens"
        )
    return instant.replace(microsecond=0)


async def resolve_branch(caller: Caller, branch_id: int | None, visible: list[int] | None) -> int:
    """The branch to log for: the caller's own by default, else one of their subtree."""
    if branch_id is None:
        return caller.branch_id
    if visible is None:
        if not await Branch.exists().where(Branch.id == branch_id):
            raise Unprocessable(
                "branch_id: branch {branch_id} does not exist.", branch_id=branch_id
            )
        return branch_id
    if branch_id not in visible:
        raise Forbidden(
            detail="You may log interceptions only for your own branch and its sub-branches."
        )
    return branch_id


EVENT_COLUMNS = (Event.id, Event.branch, Event.status, Event.visibility, Event.starts_at)


async def events_by_id(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Event.select(*EVENT_COLUMNS).where(Event.id.is_in(ids))
    return {row["id"]: row for row in rows}


def event_visible(event: dict[str, Any], visible: list[int] | None) -> bool:
    published = event["visibility"] == "public" and event["status"] != "draft"
    return published or visible is None or event["branch"] in visible


def event_problem(
    event_id: int,
    event: dict[str, Any] | None,
    occurred_at: datetime,
    visible: list[int] | None,
    *,
    check_visible: bool = True,
) -> Message | None:
    """Why this event cannot be credited with the interception, or None."""
    if event is None or (check_visible and not event_visible(event, visible)):
        return Message("event {event_id} does not exist or you may not see it", event_id=event_id)
    starts_at: datetime = event["starts_at"]
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    if starts_at > occurred_at:
        return Message(
            "event {event_id} starts at {starts_at}, after the interception; "
            "an event can only be credited with what happened after it started",
            event_id=event_id,
            starts_at=starts_at.isoformat(),
        )
    return None


async def check_event(
    event_id: int, occurred_at: datetime, visible: list[int] | None, *, check_visible: bool = True
) -> None:
    event = (await events_by_id([event_id])).get(event_id)
    problem = event_problem(event_id, event, occurred_at, visible, check_visible=check_visible)
    if problem:
        raise Unprocessable(
            "event_id: {problem}.",
            extra=[{"key": "event_id", "message": str(problem)}],
            problem=problem,
        )
