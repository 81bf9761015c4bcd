"""Storing the events of an imported calendar by the same rules as the API.

A new UID becomes a draft; a UID already stored updates its event when the
source says it is newer (a higher SEQUENCE, or a LAST-MODIFIED after our
last change). Every event passes the checks of `POST /api/events` and
`PATCH /api/events/{id}` — the same functions, not copies — so a published
event that changes gets a higher SEQUENCE, is checked for clashes, and the
change is in its history. All events or none: one event that fails stops
the import, and every failing event is reported.

A UID held by an event the importer cannot see is not theirs to update, and
saying so would tell them it exists: the event is stored as their own, under
a UID derived from the branch and the source UID, which a re-import finds
again.
"""

from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar
from uuid import UUID, uuid5

import msgspec

from accounts.caller import Caller
from accounts.feed_version import bump_feed_version
from accounts.tables import Branch
from core.errors import Conflict, Forbidden, Unprocessable, message_of
from core.transactions import hold, row_lock, write_transaction
from events.event_rows import COLUMNS
from events.ics_parse import Incoming, ParsedCalendar, row_error
from events.schedule import (
    change_keys,
    changed_state,
    insert_event,
    insert_keys,
    new_event_state,
    save_changes,
    update_values,
)
from events.schemas import (
    CalendarImportResult,
    CalendarRowError,
    EventCreate,
    EventUpdate,
    ImportedEvent,
)
from events.tables import Event
from events.visibility import require_planner_of, visible_ids

_DERIVED = UUID("5b0c2a52-6f0e-4d3a-9a57-3f6c1d2e8b41")


class CalendarImportRejectedError(Exception):
    """Nothing was imported; `errors` says why, event by event."""

    def __init__(self, errors: list[CalendarRowError]) -> None:
        super().__init__(f"{len(errors)} events cannot be imported")
        self.errors = sorted(errors, key=lambda error: error.event)


class _DryRunError(Exception):
    """Ends a dry run inside its transaction, so that everything it wrote is rolled back."""

    def __init__(self, result: CalendarImportResult) -> None:
        super().__init__("dry run")
        self.result = result


class _TryAgainError(Exception):
    """Another writer stored one of the file's new UIDs after this import looked."""


def derived_uid(branch_id: int, uid: str) -> str:
    return f"{uuid5(_DERIVED, f'{branch_id}/{uid}')}@fangzha"


@dataclass
class _Plan:
    """What one event of the file will do, checked, with the locks it needs."""

    incoming: Incoming
    keys: list[int]
    state: dict[str, Any] | None = None  # None: nothing to write
    row: dict[str, Any] | None = None  # the stored event it updates


Shape = TypeVar("Shape", EventCreate, EventUpdate)


def _body(incoming: Incoming, shape: type[Shape], **extra: Any) -> Shape:
    """The event as the API would receive it (a create or a change); 422 where it would refuse."""
    fields = {
        "title": incoming.title,
        "kind": incoming.kind,
        "starts_at": incoming.starts_at,
        "ends_at": incoming.ends_at,
        "timezone": incoming.timezone,
        "rrule": incoming.rrule,
        "exdates": incoming.exdates,
        "description": incoming.description,
        **extra,
    }
    try:
        return msgspec.convert(fields, shape)
    except msgspec.ValidationError as exc:
        raise Unprocessable("It cannot be stored as an event: {exc}.", exc=exc) from exc


def _plan_create(caller: Caller, branch_id: int, incoming: Incoming, uid: str) -> _Plan:
    body = _body(
        incoming, EventCreate, uid=uid, venue={"name": incoming.venue_name}, status="draft"
    )
    state = new_event_state(caller, body, branch_id, exdates_strict=False)
    state["sequence"] = incoming.sequence
    return _Plan(incoming, insert_keys(state, allow_conflicts=False), state=state)


def _is_newer(incoming: Incoming, row: dict[str, Any]) -> bool:
    if incoming.sequence > row["sequence"]:
        return True
    ours = row["updated_at"]
    if ours is not None and ours.tzinfo is None:
        ours = ours.replace(tzinfo=UTC)
    return incoming.last_modified is not None and (ours is None or incoming.last_modified > ours)


def _plan_update(incoming: Incoming, row: dict[str, Any]) -> _Plan:
    if not _is_newer(incoming, row):
        return _Plan(incoming, [], row=row)
    changes = update_values(_body(incoming, EventUpdate))
    # A calendar names the place only; the address and kind of venue stay ours.
    changes["venue_name"] = incoming.venue_name
    if incoming.cancelled and row["status"] == "scheduled":
        changes["status"] = "cancelled"
    state = changed_state(row, changes, exdates_strict=False)
    keys = change_keys(row, state, allow_conflicts=False)
    return _Plan(incoming, keys, state=state, row=row)


async def _existing(uids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored events with these UIDs, locked in id order until the import commits."""
    query = Event.select(*COLUMNS).where(Event.uid.is_in(uids or [""])).order_by(Event.id)
    if row_lock(Event):
        query = query.lock_rows("NO KEY UPDATE")
    return {row["uid"]: row for row in await query}


async def _plan(
    caller: Caller,
    branch_id: int,
    incoming: Incoming,
    stored: dict[str, dict[str, Any]],
    seen: set[int],
) -> _Plan | None:
    row = stored.get(incoming.uid)
    uid = incoming.uid
    if row is not None and row["id"] not in seen:
        uid = derived_uid(branch_id, incoming.uid)
        row = stored.get(uid)
    if row is None:
        return None if incoming.cancelled else _plan_create(caller, branch_id, incoming, uid)
    try:
        await require_planner_of(caller, row["branch"])
    except Forbidden as exc:
        raise Forbidden(
            "The event with this UID, “{title}” (#{id}), belongs to a "
            "branch you cannot plan for; it was left as it is.",
            title=row["title"],
            id=row["id"],
        ) from exc
    return _plan_update(incoming, row)


async def _apply(caller: Caller, plan: _Plan) -> tuple[int, str, str]:
    """Writes one planned event: its id, stored uid, and what happened to it."""
    if plan.row is None:
        assert plan.state is not None
        if await Event.exists().where(Event.uid == plan.state["uid"]):
            # Stored by someone else since this import looked (maybe where the importer
            # cannot see): neither refuse the event by its UID nor overwrite theirs.
            raise _TryAgainError
        event_id = await insert_event(caller, plan.state, "import", allow_conflicts=False)
        return event_id, plan.state["uid"], "created"
    changed = plan.state is not None and await save_changes(
        caller,
        plan.row,
        plan.state,
        "import",
        allow_conflicts=False,
        sequence_at_least=plan.incoming.sequence,
    )
    return int(plan.row["id"]), plan.row["uid"], "updated" if changed else "unchanged"


async def store_events(
    caller: Caller, branch_id: int, calendar: ParsedCalendar, *, dry_run: bool = False
) -> CalendarImportResult:
    """Writes the file's events in one transaction, or raises with every event's problem.

    A dry run goes through every step and check of a real import, then rolls it
    back: its answer is what the import would do now (ids of new events are those
    they would get, and may differ when the import is made).
    """
    await require_planner_of(caller, branch_id)
    if not await Branch.exists().where(Branch.id == branch_id):
        raise Unprocessable("Branch {branch_id} does not exist.", branch_id=branch_id)
    try:
        return await _store(caller, branch_id, calendar, dry_run)
    except _DryRunError as finished:
        return finished.result
    except _TryAgainError:
        raise Conflict(
            "Another change stored some of these events at the same moment; nothing was "
            "imported from this calendar, please import it again."
        ) from None


async def _store(
    caller: Caller, branch_id: int, calendar: ParsedCalendar, dry_run: bool
) -> CalendarImportResult:
    errors = list(calendar.errors)
    skipped = calendar.overrides_skipped
    events: list[ImportedEvent] = []
    async with write_transaction(Event):
        uids = [e.uid for e in calendar.events]
        uids += [derived_uid(branch_id, uid) for uid in uids]
        stored = await _existing(uids)
        seen = await visible_ids(caller, [row["id"] for row in stored.values()])
        plans: list[_Plan] = []
        for incoming in calendar.events:
            try:
                plan = await _plan(caller, branch_id, incoming, stored, seen)
            except (Unprocessable, Forbidden) as exc:
                errors.append(row_error(incoming.position, incoming, message_of(exc)))
                continue
            if plan is None:
                skipped += 1  # a cancellation of an event we never had
            else:
                plans.append(plan)
        # Every lock at once, in one order: two imports cannot wait for each other.
        await hold(Event, *(key for plan in plans for key in plan.keys))
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for plan in plans:
            try:
                event_id, uid, action = await _apply(caller, plan)
            except (Unprocessable, Conflict, Forbidden) as exc:
                errors.append(row_error(plan.incoming.position, plan.incoming, message_of(exc)))
                continue
            counts[action] += 1
            events.append(ImportedEvent(event_id, uid, plan.incoming.title, action))
        if errors:
            raise CalendarImportRejectedError(errors)
        if dry_run:
            raise _DryRunError(CalendarImportResult(**counts, skipped=skipped, events=events))
        if counts["created"] or counts["updated"]:
            # Once, after every event lock: the version's row lock comes last.
            await bump_feed_version()
    return CalendarImportResult(**counts, skipped=skipped, events=events)


__all__ = ["CalendarImportRejectedError", "derived_uid", "store_events"]
