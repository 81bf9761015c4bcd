"""The numbers of reports and campaign progress: one query function per figure.

Campaign progress, the summary report, the per-event report and the dashboard
all call these functions, so a figure is computed in exactly one place, and
every figure is aggregated in SQL: held occurrences from the occurrence table
(exports/report_occurrences.py), attendance by month from its monthly tallies
and records (exports/report_attendance.py), interceptions from their monthly tallies and
rows (exports/report_interceptions.py), the per-event report in one sorted,
paged statement (exports/report_events.py).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, get_args

import msgspec

from core.errors import Unprocessable
from core.money import format_fen, parse_amount
from events.recurrence import local_iso
from events.schemas import Goals, Kind
from events.travel import format_km
from exports.report_attendance import attendance_from_rows, attendance_statement
from exports.report_events import ImpactScope, event_rows
from exports.report_interceptions import (
    Counted,
    InterceptionScope,
    interception_figures,
    interception_from_rows,
    interception_statement,
)
from exports.report_occurrences import HeldScope, held_from_rows, held_occurrences, held_statement
from exports.report_sql import fetch_each, one_snapshot
from exports.report_windows import previous_period


@dataclass(frozen=True)
class ReportScope:
    """What a figure covers. branch_ids None means every branch; end is exclusive."""

    branch_ids: list[int] | None
    campaign_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    def held(self, event_ids: list[int] | None = None) -> HeldScope:
        return HeldScope(self.branch_ids, self.campaign_id, self.start, self.end, event_ids)

    def counted(self) -> InterceptionScope:
        return InterceptionScope(self.branch_ids, self.campaign_id, self.start, self.end)


# --- shapes -----------------------------------------------------------------


class Totals(msgspec.Struct):
    verified: int
    pending: int
    amount_saved: str
    amount_pending: str


def _totals(counted: Counted | None) -> dict[str, Any]:
    c = counted or Counted()
    return {
        "verified": c.verified,
        "pending": c.pending,
        "amount_saved": format_fen(c.fen_verified),
        "amount_pending": format_fen(c.fen_pending),
    }


# One row of each breakdown: what it groups by, then the totals of that group.
class FraudTypeTotals(Totals):
    fraud_type: str


class BranchTotals(Totals):
    branch_id: int
    code: str
    name: str


class MonthTotals(Totals):
    month: str  # YYYY-MM in China time


class AgeBandTotals(Totals):
    victim_age_band: str


class ChannelTotals(Totals):
    channel: str


class MonthAttendance(msgspec.Struct):
    """Attendees and anti-fraud app installs of the occurrences starting in one month."""

    month: str  # YYYY-MM in China time
    attendees: int
    app_installs: int


class HeldEvents(msgspec.Struct):
    held: int
    by_kind: dict[str, int]


class Outreach(msgspec.Struct):
    """Home visits held; trips (held occurrences with a distance travelled) and their
    kilometres, all of them and those in remote areas."""

    home_visits: int
    trips: int
    travel_km: str
    remote_travel_km: str


class Figures(msgspec.Struct):
    events: HeldEvents
    attendees: int
    interceptions: Totals
    by_fraud_type: list[FraudTypeTotals]
    by_branch: list[BranchTotals]
    by_month: list[MonthTotals]
    by_age_band: list[AgeBandTotals]
    by_channel: list[ChannelTotals]
    outreach: Outreach
    # By the rule of `attendees`: the months add up to it.
    app_installs: int
    attendance_by_month: list[MonthAttendance]


class Summary(Figures, omit_defaults=True):
    """The figures of the window; with compare=previous_year, those of the period before."""

    previous: Figures | None = None


R = TypeVar("R", bound=Totals)


def _rows(row: type[R], name: str, grouped: dict[str, Counted]) -> list[R]:
    return [row(**{name: key, **_totals(values)}) for key, values in sorted(grouped.items())]


async def figures(scope: ReportScope) -> Figures:
    """Everything the summary shows for one window, aggregated in SQL from one snapshot."""
    held_scope = scope.held()
    of_held = held_statement(held_scope)  # None when the window holds nothing yet
    async with one_snapshot():
        counted_rows, attended_rows, *held_rows = await fetch_each(
            [interception_statement(scope.counted()), attendance_statement(held_scope)]
            + ([of_held] if of_held else [])
        )
        held = await held_from_rows(held_scope, held_rows[0] if held_rows else [])
    counted = interception_from_rows(counted_rows)
    attended = attendance_from_rows(attended_rows)
    branches = {int(key): values for key, values in counted["branch"].items()}
    return Figures(
        events=HeldEvents(
            held=sum(held.by_kind.values()),
            by_kind={kind: held.by_kind.get(kind, 0) for kind in get_args(Kind)},
        ),
        # The months follow the rule of attendees, so the headline is their sum.
        attendees=sum(row.attendees for row in attended),
        interceptions=Totals(**_totals(counted["total"].get(""))),
        by_fraud_type=_rows(FraudTypeTotals, "fraud_type", counted["fraud_type"]),
        by_branch=[
            BranchTotals(branch_id=key, code=values.code, name=values.name, **_totals(values))
            for key, values in sorted(branches.items())
        ],
        by_month=_rows(MonthTotals, "month", counted["month"]),
        by_age_band=_rows(AgeBandTotals, "victim_age_band", counted["victim_age_band"]),
        by_channel=_rows(ChannelTotals, "channel", counted["channel"]),
        outreach=Outreach(
            home_visits=held.by_kind.get("home_visit", 0),
            trips=held.trips,
            travel_km=format_km(held.tenths),
            remote_travel_km=format_km(held.remote_tenths),
        ),
        app_installs=sum(row.app_installs for row in attended),
        attendance_by_month=[
            MonthAttendance(month=row.month, attendees=row.attendees, app_installs=row.app_installs)
            for row in attended
        ],
    )


async def summary(scope: ReportScope, compare_previous_year: bool = False) -> Summary:
    """The summary report; the dashboard shows the same object."""
    current = await figures(scope)
    if not compare_previous_year:
        return Summary(**msgspec.structs.asdict(current))
    if scope.start is None or scope.end is None:
        raise Unprocessable(
            "compare=previous_year needs a window: give `from` (and `to`, or the window ends now)."
        )
    start, end = previous_period(scope.start, scope.end)
    before = await figures(ReportScope(scope.branch_ids, scope.campaign_id, start, end))
    return Summary(**msgspec.structs.asdict(current), previous=before)


class Actuals(msgspec.Struct):
    """What a campaign's events achieved: held occurrences, people, interceptions, money."""

    events: int
    attendees: int
    interceptions: int
    interceptions_pending: int
    amount_saved: str
    amount_pending: str


class PercentOfGoals(msgspec.Struct):
    """Each actual as a percentage of its goal, one decimal; null where there is no goal."""

    events: float | None
    attendees: float | None
    interceptions: float | None
    amount_saved: float | None


class Progress(msgspec.Struct):
    goals: Goals
    actuals: Actuals
    percent: PercentOfGoals


def _percent(actual: int, goal: int | None) -> float | None:
    if not goal:
        return None
    return round(actual * 100 / goal, 1)


async def campaign_progress(scope: ReportScope, goals: Goals) -> Progress:
    """Goals against actuals; interceptions are those attributed to the campaign's events."""
    async with one_snapshot():
        occurred = await held_occurrences(scope.held(), attendance=True)
        raw = (await interception_figures(scope.counted()))["total"].get("") or Counted()
    held, people = sum(occurred.by_kind.values()), occurred.attendees
    goal_fen = parse_amount(goals.amount_saved) if goals.amount_saved else None
    return Progress(
        goals=goals,
        actuals=Actuals(
            events=held,
            attendees=people,
            interceptions=raw.verified,
            interceptions_pending=raw.pending,
            amount_saved=format_fen(raw.fen_verified),
            amount_pending=format_fen(raw.fen_pending),
        ),
        percent=PercentOfGoals(
            events=_percent(held, goals.events),
            attendees=_percent(people, goals.attendees),
            interceptions=_percent(raw.verified, goals.interceptions),
            amount_saved=_percent(raw.fen_verified, goal_fen),
        ),
    )


class EventImpact(msgspec.Struct):
    event_id: int
    title: str
    kind: str
    branch_id: int
    campaign_id: int | None
    status: str
    starts_at: str
    occurrences_held: int
    attendees: int
    interceptions: int
    interceptions_pending: int
    amount_saved: str
    amount_pending: str
    amount_per_attendee: str | None


def per_attendee(fen: int, people: int) -> str | None:
    """Verified yuan saved per attendee, rounded half up to the fen; None without attendees."""
    if people <= 0:
        return None
    return format_fen((2 * fen + people) // (2 * people))


async def event_impact(
    scope: ReportScope, sort: str, limit: int, offset: int
) -> tuple[list[EventImpact], int]:
    """Per event: occurrences held, attendance, attributed interceptions and money saved."""
    async with one_snapshot():
        rows, total = await event_rows(
            ImpactScope(scope.branch_ids, scope.campaign_id, scope.start, scope.end),
            sort,
            limit,
            offset,
        )
        page = scope.held([r["id"] for r in rows])
        held = (await held_occurrences(page, per_event=True)).by_event
    items = []
    for row in rows:
        people = int(row["attendees"])
        fen = int(row["fen_verified"])
        items.append(
            EventImpact(
                event_id=row["id"],
                title=row["title"],
                kind=row["kind"],
                branch_id=row["branch"],
                campaign_id=row["campaign"],
                status=row["status"],
                starts_at=local_iso(row["starts_at"], row["timezone"]),
                occurrences_held=held.get(row["id"], 0),
                attendees=people,
                interceptions=int(row["verified"]),
                interceptions_pending=int(row["pending"]),
                amount_saved=format_fen(fen),
                amount_pending=format_fen(int(row["fen_pending"])),
                amount_per_attendee=per_attendee(fen, people),
            )
        )
    return items, total
