"""Interception list filters from query strings: dates or instants, branch codes."""

from datetime import UTC, date, datetime, time, timedelta

from litestar.params import FromQuery

from accounts.scoping import subtree_ids_by_code
from core.errors import Unprocessable
from core.params import BranchCode, EventId, From, To
from interceptions.queries import Filters
from interceptions.schemas import FraudType, Status
from interceptions.views import DISPLAY_ZONE


def parse_bound(name: str, text: str | None, *, end: bool) -> datetime | None:
    """A date means the whole day in China time (`to` includes it); an instant is taken as is."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            if end:
                day += timedelta(days=1)
            instant = datetime.combine(day, time(), DISPLAY_ZONE)
        else:
            instant = datetime.fromisoformat(value.replace(" ", "+", 1) if "T" in value else value)
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=DISPLAY_ZONE)
        # Stored instants are UTC; SQLite compares them as text.
        return instant.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Unprocessable(
            f"{name}: {value[:40]!r} is not a date (2025-06-01) or a time "
            "(2025-06-01T14:30:00+08:00)."
        ) from None


async def build_filters(
    *,
    start: str | None,
    end: str | None,
    branch: str | None,
    fraud_type: str | None,
    status: str | None,
    event: int | None,
) -> Filters:
    branch_ids: list[int] | None = None
    if branch:
        branch_ids = await subtree_ids_by_code(branch)
        if branch_ids is None:
            raise Unprocessable(f"branch: there is no branch with code {branch[:40]!r}.")
    return Filters(
        start=parse_bound("from", start, end=False),
        end=parse_bound("to", end, end=True),
        branch_ids=branch_ids,
        fraud_type=fraud_type,
        status=status,
        event_id=event,
    )


async def interception_filters(
    start: From = None,
    end: To = None,
    branch: BranchCode = None,
    fraud_type: FromQuery[FraudType | None] = None,
    status: FromQuery[Status | None] = None,
    event: EventId = None,
) -> Filters:
    """The list's filters as a Litestar dependency: the list and its export take the same."""
    return await build_filters(
        start=start, end=end, branch=branch, fraud_type=fraud_type, status=status, event=event
    )
