"""The append-only histories of events and of their attendance records.

Each change is recorded by the transaction that makes it, so there is no
change without its record. `changes` maps a field to `[before, after]` as the
API shows the field; a creation lists every field that has a value, from nothing.
"""

import json
from datetime import datetime
from typing import Any

import msgspec

from accounts.caller import Caller
from core.errors import Forbidden
from events.event_rows import to_event_out, visible_row
from events.recurrence import local_iso
from events.schemas import AttendanceHistoryItem, EventHistoryItem
from events.tables import AttendanceChange, EventChange
from events.visibility import require_recorder_of

Changes = dict[str, list[Any]]

# Stamps of the row itself, not facts about the event.
_NOT_TRACKED = frozenset({"id", "created_at", "updated_at"})


def event_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of an event row as the API shows them, for comparing before and after."""
    fields: dict[str, Any] = msgspec.to_builtins(to_event_out(row))
    return {name: value for name, value in fields.items() if name not in _NOT_TRACKED}


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """Field → [before, after] for every field whose value differs (None: absent)."""
    names = list(dict.fromkeys([*before, *after]))
    return {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }


async def record_event_change(
    event_id: int, user_id: int, at: datetime, action: str, changes: Changes
) -> None:
    """Must run inside the transaction that made the change."""
    await EventChange.insert(
        EventChange(
            event=event_id,
            at=at,
            user=user_id,
            action=action,
            changes=json.dumps(changes, ensure_ascii=False),
        )
    )


async def record_attendance_change(
    event_id: int,
    occurrence_start: datetime,
    user_id: int,
    at: datetime,
    action: str,
    changes: Changes,
) -> None:
    """Must run inside the transaction that wrote the attendance record."""
    await AttendanceChange.insert(
        AttendanceChange(
            event=event_id,
            occurrence_start=occurrence_start,
            at=at,
            user=user_id,
            action=action,
            changes=json.dumps(changes, ensure_ascii=False),
        )
    )


async def _readable_event(caller: Caller, event_id: int) -> dict[str, Any]:
    """The event, if the caller may read its history: an event of their own subtree."""
    row = await visible_row(caller, event_id)
    try:
        await require_recorder_of(caller, row["branch"])
    except Forbidden as exc:
        raise Forbidden(
            detail="You can read the history only of events of your own branch and its "
            "sub-branches."
        ) from exc
    return row


def _changes_of(value: Any) -> Changes:
    return json.loads(value) if isinstance(value, str) else dict(value)


async def _page(
    table: type[EventChange] | type[AttendanceChange], event_id: int, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    mine = table.event == event_id
    rows = (
        await table.select(*table.all_columns(exclude=[table.id]), table.user._.username)
        .where(mine)
        .order_by(table.id)
        .limit(limit)
        .offset(offset)
    )
    return rows, await table.count().where(mine)


async def event_history(
    caller: Caller, event_id: int, limit: int, offset: int
) -> tuple[list[EventHistoryItem], int]:
    """Who created, changed, cancelled or imported the event, oldest first."""
    event = await _readable_event(caller, event_id)
    rows, total = await _page(EventChange, event_id, limit, offset)
    items = [
        EventHistoryItem(
            at=local_iso(row["at"], event["timezone"]),
            user=row["user.username"],
            user_id=row["user"],
            action=row["action"],
            changes=_changes_of(row["changes"]),
        )
        for row in rows
    ]
    return items, total


async def attendance_history(
    caller: Caller, event_id: int, limit: int, offset: int
) -> tuple[list[AttendanceHistoryItem], int]:
    """Every recording and correction of the event's attendance, oldest first."""
    event = await _readable_event(caller, event_id)
    rows, total = await _page(AttendanceChange, event_id, limit, offset)
    zone = event["timezone"]
    items = [
        AttendanceHistoryItem(
            at=local_iso(row["at"], zone),
            user=row["user.username"],
            user_id=row["user"],
            action=row["action"],
            occurrence_start=local_iso(row["occurrence_start"], zone),
            changes=_changes_of(row["changes"]),
        )
        for row in rows
    ]
    return items, total
