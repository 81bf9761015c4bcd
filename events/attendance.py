"""Attendance: one record per occurrence that has taken place, upserted by staff."""

import json
from datetime import UTC, datetime
from typing import Any

from accounts.caller import Caller
from core.errors import Unprocessable
from core.transactions import hold, lock_key, write_transaction
from core.writer_loop import on_writer_loop
from events.event_rows import schedule_of, visible_row
from events.history import diff, record_attendance_change
from events.recurrence import RecurrenceError, is_occurrence, local_iso, utc_instant
from events.schemas import AttendanceIn, AttendanceOut
from events.tables import Attendance
from events.visibility import require_recorder_of

_COLUMNS = (
    Attendance.event,
    Attendance.occurrence_start,
    Attendance.headcount,
    Attendance.by_audience,
    Attendance.materials_distributed,
    Attendance.app_installs,
    Attendance.notes,
    Attendance.recorded_by,
    Attendance.recorded_at,
)


def _by_audience(row: dict[str, Any]) -> dict[str, int]:
    value = row["by_audience"]
    return json.loads(value or "{}") if isinstance(value, str) else dict(value)


def _to_out(row: dict[str, Any], zone: str) -> AttendanceOut:
    by_audience = _by_audience(row)
    return AttendanceOut(
        event_id=row["event"],
        occurrence_start=local_iso(row["occurrence_start"], zone),
        headcount=row["headcount"],
        by_audience=by_audience,
        materials_distributed=row["materials_distributed"],
        app_installs=row["app_installs"],
        notes=row["notes"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"].astimezone(UTC),
    )


def _check_occurrence(event: dict[str, Any], data: AttendanceIn) -> datetime:
    if event["status"] in {"draft", "cancelled"}:
        raise Unprocessable(
            "Attendance cannot be recorded for a {status} event.", status=event["status"]
        )
    try:
        start = utc_instant(data.occurrence_start, "occurrence_start")
    except RecurrenceError as exc:
        raise Unprocessable.because(exc) from exc
    schedule = schedule_of(event)
    shown = local_iso(start, event["timezone"])
    # Checked first: it also spares expanding a rule up to a far-future date.
    if start > datetime.now(UTC):
        raise Unprocessable("The occurrence of {shown} has not started yet.", shown=shown)
    if not is_occurrence(schedule, start):
        raise Unprocessable(
            "{shown} is not a start of this event; use the start time of the occurrence.",
            shown=shown,
        )
    if start in schedule.exdates:
        raise Unprocessable("The occurrence of {shown} was cancelled.", shown=shown)
    total = sum(data.by_audience.values())
    if total > data.headcount:
        raise Unprocessable(
            "The audience counts add up to {total}, more than the headcount {headcount}.",
            total=total,
            headcount=data.headcount,
        )
    return start


def _fields(row: dict[str, Any] | None) -> dict[str, Any]:
    """What the history tracks of a record, as the API shows it (empty: no record yet)."""
    if row is None:
        return {}
    return {
        "headcount": row["headcount"],
        "by_audience": _by_audience(row),
        "materials_distributed": row["materials_distributed"],
        "app_installs": row["app_installs"],
        "notes": row["notes"],
    }


@on_writer_loop
async def record_attendance(caller: Caller, event_id: int, data: AttendanceIn) -> AttendanceOut:
    """Creates or replaces the record of one occurrence, and records the change."""
    async with write_transaction(Attendance):
        # The shared row lock keeps the event from being cancelled or moved meanwhile.
        event = await visible_row(caller, event_id, lock="SHARE")
        await require_recorder_of(caller, event["branch"])
        start = _check_occurrence(event, data)
        # One writer per occurrence: a second finds the first one's record and replaces it.
        await hold(Attendance, lock_key("attendance", event_id, start.isoformat()))
        mine = (Attendance.event == event_id) & (Attendance.occurrence_start == start)
        before = await Attendance.select(*_COLUMNS).where(mine).first()
        wanted = {
            "headcount": data.headcount,
            "by_audience": dict(sorted(data.by_audience.items())),
            "materials_distributed": data.materials_distributed,
            "app_installs": data.app_installs,
            "notes": data.notes,
        }
        if before is not None and _fields(before) == wanted:
            # Sent again unchanged (a retry from a poor connection): nothing to record.
            return _to_out(before, event["timezone"])
        now = datetime.now(UTC)
        values: dict[Any, Any] = {getattr(Attendance, k): v for k, v in wanted.items()}
        values[Attendance.by_audience] = json.dumps(wanted["by_audience"])
        values[Attendance.recorded_by] = caller.id
        values[Attendance.recorded_at] = now
        if before is not None:
            await Attendance.update(values).where(mine)
        else:
            record = Attendance(event=event_id, occurrence_start=start)
            for column, value in values.items():
                setattr(record, column._meta.name, value)
            await Attendance.insert(record)
        row = await Attendance.select(*_COLUMNS).where(mine).first()
        assert row is not None
        changes = diff(_fields(before), _fields(row))
        if changes:
            action = "update" if before is not None else "create"
            await record_attendance_change(event_id, start, caller.id, now, action, changes)
    return _to_out(row, event["timezone"])


async def list_attendance(
    caller: Caller, event_id: int, limit: int, offset: int
) -> tuple[list[AttendanceOut], int]:
    event = await visible_row(caller, event_id)
    await require_recorder_of(caller, event["branch"])
    mine = Attendance.event == event_id
    rows = (
        await Attendance.select(*_COLUMNS)
        .where(mine)
        .order_by(Attendance.occurrence_start)
        .limit(limit)
        .offset(offset)
    )
    total = await Attendance.count().where(mine)
    return [_to_out(r, event["timezone"]) for r in rows], total
