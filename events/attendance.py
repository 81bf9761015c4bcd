"""Attendance: one record per occurrence that has taken place, upserted by staff."""

import json
from datetime import UTC, datetime
from typing import Any

from accounts.caller import Caller
from core.errors import Unprocessable
from core.transactions import write_transaction
from events.conflicts import schedule_of
from events.event_rows import visible_row
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


def _to_out(row: dict[str, Any], zone: str) -> AttendanceOut:
    by_audience = row["by_audience"]
    if isinstance(by_audience, str):
        by_audience = json.loads(by_audience or "{}")
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
        raise Unprocessable(f"Attendance cannot be recorded for a {event['status']} event.")
    try:
        start = utc_instant(data.occurrence_start, "occurrence_start")
    except RecurrenceError as exc:
        raise Unprocessable(str(exc)) from exc
    schedule = schedule_of(event)
    shown = local_iso(start, event["timezone"])
    # Checked first: it also spares expanding a rule up to a far-future date.
    if start > datetime.now(UTC):
        raise Unprocessable(f"The occurrence of {shown} has not started yet.")
    if not is_occurrence(schedule, start):
        raise Unprocessable(
            f"{shown} is not a start of this event; use the start time of the occurrence."
        )
    if start in schedule.exdates:
        raise Unprocessable(f"The occurrence of {shown} was cancelled.")
    total = sum(data.by_audience.values())
    if total > data.headcount:
        raise Unprocessable(
            f"The audience counts add up to {total}, more than the headcount {data.headcount}."
        )
    return start


async def record_attendance(caller: Caller, event_id: int, data: AttendanceIn) -> AttendanceOut:
    """Creates or replaces the record of one occurrence."""
    async with write_transaction(Attendance):
        event = await visible_row(caller, event_id)
        await require_recorder_of(caller, event["branch"])
        start = _check_occurrence(event, data)
        values: dict[Any, Any] = {
            Attendance.headcount: data.headcount,
            Attendance.by_audience: json.dumps(dict(sorted(data.by_audience.items()))),
            Attendance.materials_distributed: data.materials_distributed,
            Attendance.app_installs: data.app_installs,
            Attendance.notes: data.notes,
            Attendance.recorded_by: caller.id,
            Attendance.recorded_at: datetime.now(UTC),
        }
        mine = (Attendance.event == event_id) & (Attendance.occurrence_start == start)
        if await Attendance.exists().where(mine):
            await Attendance.update(values).where(mine)
        else:
            record = Attendance(event=event_id, occurrence_start=start)
            for column, value in values.items():
                setattr(record, column._meta.name, value)
            await Attendance.insert(record)
        row = await Attendance.select(*_COLUMNS).where(mine).first()
    assert row is not None
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
