"""Attendance: the branch's held occurrences, newest first, with what is already recorded."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from accounts.guards import caller_of
from app.i18n import negotiate
from app.pages import labels
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from app.pages.staff.desk import helpers, recordable
from core.clock import utcnow
from events.schemas import OccurrenceOut
from events.tables import Attendance
from exports.export_columns import AUDIENCE_TITLES

# Attendance is recorded within weeks of an event; older ones are corrected by coordinators.
SHOWN_DAYS = 90


@dataclass
class Held:
    occurrence: OccurrenceOut
    record: dict[str, Any] | None


async def held_with_records(occurrences: list[OccurrenceOut]) -> list[Held]:
    """Each occurrence with its attendance record, if any, in one query."""
    ids = sorted({o.event_id for o in occurrences})
    rows = (
        await Attendance.select(
            Attendance.event,
            Attendance.occurrence_start,
            Attendance.headcount,
            Attendance.by_audience,
            Attendance.materials_distributed,
            Attendance.app_installs,
            Attendance.notes,
        )
        .where(Attendance.event.is_in(ids))
        .output(load_json=True)
        if ids
        else []
    )
    found = {(r["event"], r["occurrence_start"]): r for r in rows}
    return [
        Held(o, found.get((o.event_id, datetime.fromisoformat(o.starts_at))))
        for o in sorted(occurrences, key=lambda o: o.starts_at, reverse=True)
    ]


class AttendancePage(Controller):
    include_in_schema = False

    @get("/staff/attendance", operation_id="attendancePage")
    async def attendance(self, request: Request) -> Template | Redirect:
        """Held occurrences of my branch, newest first: headcount by audience, app installs."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        locale = negotiate(request)
        held = await recordable(caller, utcnow(), timedelta(days=SHOWN_DAYS))
        return page(
            request,
            "staff/attendance.html",
            held=await held_with_records(held),
            audiences=[
                (code, labels.label(AUDIENCE_TITLES, code, locale)) for code in AUDIENCE_TITLES
            ],
            **helpers(request),
        )
