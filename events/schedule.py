"""Planning events: create, read, update and cancel, with the rules SPEC.md sets.

`sequence` (the iCalendar SEQUENCE) goes up by one on a change a calendar
client must see: title, times, time zone, venue, status, repeat rule or
exdates. Description, host, kind, capacity, languages, audiences, campaign,
branch and visibility do not bump it: RFC 5545 counts only changes of time,
place and status as significant, and LAST-MODIFIED carries the rest.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import msgspec

from accounts.caller import Caller
from accounts.feed_version import bump_feed_version
from accounts.tables import Branch
from core.errors import Conflict, NotFound, Unprocessable
from core.transactions import hold, lock_key, write_transaction
from events.campaigns import campaign_key, require_campaign_for_event
from events.clashes import booking_keys, refuse_clashes
from events.conflicts import Booking
from events.event_rows import COLUMNS, exdates_of, schedule_of, to_event_out, visible_row
from events.history import diff, event_fields, record_event_change
from events.occurrence_writes import keep_occurrences_in_step
from events.recurrence import (
    EARLIEST,
    LATEST,
    RecurrenceError,
    check_schedule,
    local_iso,
    normalise_rrule,
    series_ends_at,
    starts_until,
    utc_instant,
)
from events.schemas import CancelIn, EventCreate, EventOut, EventUpdate
from events.tables import Event
from events.travel import DistanceError, parse_km
from events.visibility import require_planner_of

MAX_DURATION = timedelta(days=31)
_COLUMN_NAMES = frozenset(c._meta.name for c in Event._meta.columns)

# Fields whose change a subscribed calendar must pick up.
SEQUENCED = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "venue_name",
    "venue_address",
    "venue_type",
    "status",
    "rrule",
    "exdates",
)
# Fields that decide whether two events clash.
SCHEDULING = (
    "starts_at",
    "ends_at",
    "timezone",
    "rrule",
    "exdates",
    "venue_name",
    "branch",
    "host",
    "status",
)


def _check_times(state: dict[str, Any]) -> None:
    starts, ends = state["starts_at"], state["ends_at"]
    if ends <= starts:
        raise Unprocessable("ends_at must be after starts_at.")
    if ends - starts > MAX_DURATION:
        raise Unprocessable("An event (one occurrence) may last at most 31 days.")
    if not EARLIEST <= starts < LATEST:
        raise Unprocessable("starts_at must be between the years 2000 and 2099.")


def _tenths(text: str | None) -> int | None:
    try:
        return None if text is None else parse_km(text)
    except DistanceError as exc:
        raise Unprocessable.because(exc) from exc


def _utc(value: datetime, name: str) -> datetime:
    try:
        return utc_instant(value, name)
    except RecurrenceError as exc:
        raise Unprocessable.because(exc) from exc


def _normalise_rule(state: dict[str, Any]) -> None:
    rule = state["rrule"]
    try:
        state["rrule"] = normalise_rrule(rule) if rule and rule.strip() else None
        check_schedule(schedule_of({**state, "exdates": "[]"}))
    except RecurrenceError as exc:
        raise Unprocessable.because(exc) from exc


def _exdates_json(state: dict[str, Any], wanted: list[datetime], strict: bool) -> str:
    """Cancelled starts as UTC ISO strings; each must be a start of the series."""
    if wanted and not state["rrule"]:
        if strict:
            raise Unprocessable("exdates apply only to repeating events (set rrule).")
        return "[]"
    wanted = [_utc(instant, "exdate") for instant in wanted]
    schedule = schedule_of({**state, "exdates": "[]"})
    # One expansion for the whole list: a thousand exdates stay cheap.
    starts = starts_until(schedule, max(wanted)) if wanted else set()
    kept: set[datetime] = set()
    for instant in wanted:
        if instant.astimezone(UTC) in starts:
            kept.add(instant.astimezone(UTC))
        elif strict:
            raise Unprocessable(
                "exdate {start} is not an occurrence of this event; use the exact start of the "
                "occurrence to cancel.",
                start=local_iso(instant, state["timezone"]),
            )
    return json.dumps([x.isoformat() for x in sorted(kept)])


async def _require_branch(branch_id: int) -> None:
    if not await Branch.exists().where(Branch.id == branch_id):
        raise Unprocessable("Branch {branch_id} does not exist.", branch_id=branch_id)


async def _require_campaign(caller: Caller, campaign_id: int | None) -> None:
    if campaign_id is None:
        return
    try:
        await require_campaign_for_event(caller, campaign_id)
    except NotFound as exc:
        raise Unprocessable(
            "Campaign {campaign_id} does not exist or is not yours.", campaign_id=campaign_id
        ) from exc


def _booking(state: dict[str, Any]) -> Booking:
    return Booking(schedule_of(state), state["branch"], state["venue_name"], state["host"])


def uid_key(uid: str) -> int:
    """Guards a UID: two writers cannot both find it free and both store it."""
    return lock_key("event-uid", uid)


def _with_series_end(state: dict[str, Any]) -> None:
    state["series_ends_at"] = series_ends_at(
        state["starts_at"], state["ends_at"], state["timezone"], state["rrule"]
    )


async def create_event(caller: Caller, data: EventCreate) -> EventOut:
    branch_id = data.branch_id or caller.branch_id
    await require_planner_of(caller, branch_id)
    await _require_branch(branch_id)
    state = new_event_state(caller, data, branch_id)
    async with write_transaction(Event):
        event_id = await insert_event(caller, state, "create", allow_conflicts=data.allow_conflicts)
        # Last in the transaction: the version's row lock is the last lock it takes.
        await bump_feed_version()
    return await get_event(caller, event_id)


def new_event_state(
    caller: Caller, data: EventCreate, branch_id: int, *, exdates_strict: bool = True
) -> dict[str, Any]:
    """The row a create stores, checked by every rule that needs no database; 422 if not.

    Not strict, exdates that are no start of the series are dropped instead of refused.
    """
    now = datetime.now(UTC)
    state: dict[str, Any] = {
        "uid": data.uid or f"{uuid4()}@fangzha",
        "title": data.title,
        "kind": data.kind,
        "campaign": data.campaign_id,
        "branch": branch_id,
        "venue_name": data.venue.name.strip(),
        "venue_address": data.venue.address.strip(),
        "venue_type": data.venue.venue_type,
        "starts_at": _utc(data.starts_at, "starts_at"),
        "ends_at": _utc(data.ends_at, "ends_at"),
        "timezone": data.timezone,
        "rrule": data.rrule,
        "capacity": data.capacity,
        "languages": json.dumps(list(dict.fromkeys(data.languages))),
        "audiences": json.dumps(list(dict.fromkeys(data.audiences))),
        "host": data.host.strip(),
        "description": data.description,
        "status": data.status,
        "visibility": data.visibility,
        "sequence": 0,
        "travel_km_tenths": _tenths(data.travel_km),
        "remote_area": data.remote_area,
        "created_by": caller.id,
        "created_at": now,
        "updated_at": now,
    }
    _check_times(state)
    _normalise_rule(state)
    state["exdates"] = _exdates_json(state, data.exdates, strict=exdates_strict)
    _with_series_end(state)
    return state


async def _stored(event_id: int) -> dict[str, Any]:
    row = await Event.select(*COLUMNS).where(Event.id == event_id).first()
    assert row is not None, "read inside the transaction that wrote it"
    return row


def insert_keys(state: dict[str, Any], *, allow_conflicts: bool) -> list[int]:
    """The locks a create holds: its uid, its booking if it is checked, its campaign."""
    keys = [uid_key(state["uid"])]
    if state["status"] == "scheduled" and not allow_conflicts:
        keys.extend(booking_keys(_booking(state)))
    if state["campaign"] is not None:
        keys.append(campaign_key(state["campaign"]))
    return keys


async def insert_event(
    caller: Caller, state: dict[str, Any], action: str, *, allow_conflicts: bool
) -> int:
    """Inside a write transaction: stores a checked new event and its history; answers its id."""
    await hold(Event, *insert_keys(state, allow_conflicts=allow_conflicts))
    if await Event.exists().where(Event.uid == state["uid"]):
        raise Conflict(
            "The uid {uid} cannot be used; choose another, or leave uid out and one is made for "
            "you.",
            uid=state["uid"],
        )
    await _require_campaign(caller, state["campaign"])
    if state["status"] == "scheduled" and not allow_conflicts:
        await refuse_clashes(caller, _booking(state), state["timezone"], None)
    rows = await Event.insert(Event(**state)).returning(Event.id)
    event_id = int(rows[0]["id"])
    await keep_occurrences_in_step(event_id)
    created = event_fields(await _stored(event_id))
    await record_event_change(event_id, caller.id, state["created_at"], action, diff({}, created))
    return event_id


async def get_event(caller: Caller | None, event_id: int) -> EventOut:
    return to_event_out(await visible_row(caller, event_id))


def update_values(data: EventUpdate) -> dict[str, Any]:
    """The update as column values; only the fields the caller sent."""
    sent = {
        f: getattr(data, f)
        for f in data.__struct_fields__
        if getattr(data, f) is not msgspec.UNSET and f not in {"allow_conflicts", "venue"}
    }
    renamed = {"branch_id": "branch", "campaign_id": "campaign", "travel_km": "travel_km_tenths"}
    changes = {renamed.get(k, k): v for k, v in sent.items()}
    if "travel_km_tenths" in changes:
        changes["travel_km_tenths"] = _tenths(changes["travel_km_tenths"])
    for key in ("starts_at", "ends_at"):
        if key in changes:
            changes[key] = _utc(changes[key], key)
    for key in ("languages", "audiences"):
        if key in changes:
            changes[key] = json.dumps(list(dict.fromkeys(changes[key])))
    if "host" in changes:
        changes["host"] = changes["host"].strip()
    if isinstance(data.venue, msgspec.Struct):
        changes["venue_name"] = data.venue.name.strip()
        changes["venue_address"] = data.venue.address.strip()
        changes["venue_type"] = data.venue.venue_type
    return changes


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, datetime) and isinstance(after, datetime):
        return before.astimezone(UTC) == after.astimezone(UTC)
    return bool(before == after)


async def update_event(caller: Caller, event_id: int, data: EventUpdate) -> EventOut:
    async with write_transaction(Event):
        row = await visible_row(caller, event_id, lock="NO KEY UPDATE")
        await require_planner_of(caller, row["branch"])
        changes = update_values(data)
        if "branch" in changes:
            await require_planner_of(caller, changes["branch"])
            await _require_branch(changes["branch"])
        state = changed_state(row, changes)
        if await save_changes(caller, row, state, "update", allow_conflicts=data.allow_conflicts):
            await bump_feed_version()
    return await get_event(caller, event_id)


def changed_state(
    row: dict[str, Any], changes: dict[str, Any], *, exdates_strict: bool = True
) -> dict[str, Any]:
    """The row as a change leaves it, checked by every rule that needs no database.

    Not strict, exdates that are no start of the series are dropped instead of refused.
    """
    state = {**row, **changes}
    wanted = state.pop("exdates") if "exdates" in changes else None
    _check_times(state)
    _normalise_rule(state)
    state["exdates"] = _exdates_json(
        state,
        exdates_of(row) if wanted is None else wanted,
        strict=wanted is not None and exdates_strict,
    )
    if set(exdates_of(state)) == set(exdates_of(row)):
        # The same instants, perhaps spelt differently by an import: no change.
        state["exdates"] = row["exdates"]
    _with_series_end(state)
    return state


def _changed(row: dict[str, Any], state: dict[str, Any]) -> list[str]:
    return [k for k in state if k in _COLUMN_NAMES and not _same(row.get(k), state[k])]


def _checks_clashes(row: dict[str, Any], state: dict[str, Any], allow_conflicts: bool) -> bool:
    rescheduled = any(k in SCHEDULING for k in _changed(row, state))
    return state["status"] == "scheduled" and rescheduled and not allow_conflicts


def _joins_campaign(row: dict[str, Any], state: dict[str, Any]) -> bool:
    return state["campaign"] is not None and "campaign" in _changed(row, state)


def change_keys(row: dict[str, Any], state: dict[str, Any], *, allow_conflicts: bool) -> list[int]:
    """The locks a change holds: the booking it checks, the campaign it joins."""
    keys = booking_keys(_booking(state)) if _checks_clashes(row, state, allow_conflicts) else []
    if _joins_campaign(row, state):
        keys.append(campaign_key(state["campaign"]))
    return keys


async def save_changes(
    caller: Caller,
    row: dict[str, Any],
    state: dict[str, Any],
    action: str,
    *,
    allow_conflicts: bool,
    sequence_at_least: int = 0,
) -> bool:
    """Inside a write transaction, `row` locked: stores `state` and its history if it differs.

    Answers whether anything changed.
    """
    changed = _changed(row, state)
    if not changed:
        return False
    await hold(Event, *change_keys(row, state, allow_conflicts=allow_conflicts))
    if _joins_campaign(row, state):
        await _require_campaign(caller, state["campaign"])
    if _checks_clashes(row, state, allow_conflicts):
        await refuse_clashes(caller, _booking(state), state["timezone"], row["id"])
    now = datetime.now(UTC)
    values = {getattr(Event, k): state[k] for k in changed}
    if state["status"] == "cancelled" and row["status"] != "cancelled":
        values[Event.cancelled_at] = now
    sequence = row["sequence"] + (1 if any(k in SEQUENCED for k in changed) else 0)
    values[Event.sequence] = max(sequence, sequence_at_least)
    values[Event.updated_at] = now
    await Event.update(values).where(Event.id == row["id"])
    await keep_occurrences_in_step(row["id"], row)
    after = event_fields(await _stored(row["id"]))
    await record_event_change(row["id"], caller.id, now, action, diff(event_fields(row), after))
    return True


async def cancel_event(caller: Caller, event_id: int, data: CancelIn) -> EventOut:
    """Cancelling keeps the event so that calendars learn of it; repeating it changes nothing."""
    async with write_transaction(Event):
        row = await visible_row(caller, event_id, lock="NO KEY UPDATE")
        await require_planner_of(caller, row["branch"])
        if row["status"] != "cancelled":
            now = datetime.now(UTC)
            reason = data.reason.strip()
            before = await Event.select(Event.cancel_reason).where(Event.id == event_id).first()
            await Event.update(
                {
                    Event.status: "cancelled",
                    Event.cancel_reason: reason,
                    Event.cancelled_at: now,
                    Event.sequence: row["sequence"] + 1,
                    Event.updated_at: now,
                }
            ).where(Event.id == event_id)
            await keep_occurrences_in_step(event_id, row)
            changes = diff(event_fields(row), event_fields(await _stored(event_id)))
            assert before is not None
            if reason != before["cancel_reason"]:
                changes["cancel_reason"] = [before["cancel_reason"], reason]
            await record_event_change(event_id, caller.id, now, "cancel", changes)
            await bump_feed_version()
    return await get_event(caller, event_id)


__all__ = [
    "COLUMNS",
    "cancel_event",
    "change_keys",
    "changed_state",
    "create_event",
    "get_event",
    "insert_event",
    "insert_keys",
    "new_event_state",
    "save_changes",
    "uid_key",
    "update_event",
    "update_values",
]
