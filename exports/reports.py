"""The numbers of reports and campaign progress: one query function per figure.

Campaign progress, the summary report, the per-event report and the dashboard
all call these functions, so a figure is computed in exactly one place.
Held occurrences of one-off events and every total are aggregated in SQL;
only repeating events are expanded here, occurrence by occurrence.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

import msgspec
from piccolo.columns import Column
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count, Sum
from piccolo.querystring import QueryString

from accounts.tables import Branch
from core.money import format_fen, parse_amount
from events.conflicts import schedule_of
from events.recurrence import EARLIEST, local_iso, occurrences
from events.schemas import Kind
from events.tables import Attendance, Event
from interceptions.tables import Interception

HELD_STATUSES = ("scheduled", "completed")
REPORT_ZONE = "Asia/Shanghai"
_COUNTING_LIMIT = 1_000_000


@dataclass(frozen=True)
class Scope:
    """What a figure covers. branch_ids None means every branch; end is exclusive."""

    branch_ids: list[int] | None
    campaign_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    event_ids: list[int] | None = None


def _ids(values: list[int]) -> list[int]:
    return values or [-1]


def _event_clauses(scope: Scope) -> list[Any]:
    clauses: list[Any] = [Event.status.is_in(list(HELD_STATUSES))]
    if scope.branch_ids is not None:
        clauses.append(Event.branch.is_in(_ids(scope.branch_ids)))
    if scope.campaign_id is not None:
        clauses.append(Event.campaign == scope.campaign_id)
    if scope.event_ids is not None:
        clauses.append(Event.id.is_in(_ids(scope.event_ids)))
    return clauses


async def held_occurrences(scope: Scope, by: Column) -> dict[Any, int]:
    """Occurrences held (not draft, cancelled or exdated; ended in the window), per `by`.

    `by` is Event.kind or Event.id. An occurrence that has not ended yet is not held.
    """
    start = scope.start or EARLIEST
    now = datetime.now(UTC)
    stop = min(scope.end, now) if scope.end else now
    counts: dict[Any, int] = {}
    if stop <= start:
        return counts
    one_off = Event.select(by, Count(Event.id, alias="n")).where(
        Event.rrule.is_null(), Event.ends_at >= start, Event.ends_at < stop
    )
    for clause in _event_clauses(scope):
        one_off = one_off.where(clause)
    for row in await one_off.group_by(by):
        counts[row[by._meta.name]] = counts.get(row[by._meta.name], 0) + row["n"]
    repeating = Event.select(
        by, Event.starts_at, Event.ends_at, Event.timezone, Event.rrule, Event.exdates
    ).where(
        Event.rrule.is_not_null(),
        Event.starts_at < stop,
        Event.series_ends_at.is_null() | (Event.series_ends_at >= start),
    )
    for clause in _event_clauses(scope):
        repeating = repeating.where(clause)
    for row in await repeating:
        spans = occurrences(schedule_of(row), start, stop, _COUNTING_LIMIT)
        held = sum(1 for _, end in spans if start <= end < stop)
        if held:
            counts[row[by._meta.name]] = counts.get(row[by._meta.name], 0) + held
    return counts


async def attendees(scope: Scope, by_event: bool = False) -> dict[int | None, int]:
    """Headcount summed over attendance records (per event when asked)."""
    query = Attendance.select(Sum(Attendance.headcount, alias="people")).where(
        Attendance.event._.status.is_in(list(HELD_STATUSES))
    )
    if by_event:
        query = Attendance.select(
            Attendance.event, Sum(Attendance.headcount, alias="people")
        ).where(Attendance.event._.status.is_in(list(HELD_STATUSES)))
    if scope.branch_ids is not None:
        query = query.where(Attendance.event._.branch.is_in(_ids(scope.branch_ids)))
    if scope.campaign_id is not None:
        query = query.where(Attendance.event._.campaign == scope.campaign_id)
    if scope.event_ids is not None:
        query = query.where(Attendance.event.is_in(_ids(scope.event_ids)))
    if scope.start is not None:
        query = query.where(Attendance.occurrence_start >= scope.start)
    if scope.end is not None:
        query = query.where(Attendance.occurrence_start < scope.end)
    if by_event:
        rows = await query.group_by(Attendance.event)
        return {row["event"]: int(row["people"] or 0) for row in rows}
    rows = await query
    return {None: int(rows[0]["people"] or 0) if rows else 0}


def _month() -> QueryString:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        return QueryString(
            f"to_char({{}} AT TIME ZONE '{REPORT_ZONE}', 'YYYY-MM')",
            Interception.occurred_at,
            alias="month",
        )
    # China has kept UTC+8 without daylight saving since 1991.
    return QueryString("strftime('%Y-%m', {}, '+8 hours')", Interception.occurred_at, alias="month")


async def interceptions(scope: Scope, group: str | None = None) -> dict[Any, dict[str, int]]:
    """Counts and fen saved per status ("verified", "logged"), grouped by `group`.

    `group` is None (one total), "fraud_type", "victim_age_band", "branch",
    "event" or "month". Rejected interceptions are never counted.
    """
    keys: list[Any] = []
    if group == "month":
        keys = [_month()]
    elif group is not None:
        keys = [getattr(Interception, group)]
    query = Interception.select(
        *keys,
        Interception.status,
        Count(Interception.id, alias="n"),
        Sum(Interception.amount_saved_fen, alias="fen"),
    ).where(Interception.status.is_in(["verified", "logged"]))
    if scope.branch_ids is not None:
        query = query.where(Interception.branch.is_in(_ids(scope.branch_ids)))
    if scope.campaign_id is not None:
        query = query.where(Interception.event._.campaign == scope.campaign_id)
    if scope.event_ids is not None:
        query = query.where(Interception.event.is_in(_ids(scope.event_ids)))
    if scope.start is not None:
        query = query.where(Interception.occurred_at >= scope.start)
    if scope.end is not None:
        query = query.where(Interception.occurred_at < scope.end)
    result: dict[Any, dict[str, int]] = {}
    for row in await query.group_by(*keys, Interception.status):
        key = row[group] if group else None
        totals = result.setdefault(
            key, {"verified": 0, "pending": 0, "fen_verified": 0, "fen_pending": 0}
        )
        label = "verified" if row["status"] == "verified" else "pending"
        totals[label] += int(row["n"])
        totals[f"fen_{label}"] += int(row["fen"] or 0)
    return result


# --- shapes and the reports built from the figures above --------------------


class Totals(msgspec.Struct):
    verified: int
    pending: int
    amount_saved: str
    amount_pending: str


def _totals(values: dict[str, int] | None) -> dict[str, Any]:
    v = values or {"verified": 0, "pending": 0, "fen_verified": 0, "fen_pending": 0}
    return {
        "verified": v["verified"],
        "pending": v["pending"],
        "amount_saved": format_fen(v["fen_verified"]),
        "amount_pending": format_fen(v["fen_pending"]),
    }


class HeldEvents(msgspec.Struct):
    held: int
    by_kind: dict[str, int]


class Summary(msgspec.Struct):
    events: HeldEvents
    attendees: int
    interceptions: Totals
    by_fraud_type: list[dict[str, Any]]
    by_branch: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    by_age_band: list[dict[str, Any]]


async def summary(scope: Scope) -> Summary:
    by_kind = await held_occurrences(scope, Event.kind)
    total = await interceptions(scope)
    branches = await interceptions(scope, "branch")
    names = {
        row["id"]: row
        for row in await Branch.select(Branch.id, Branch.code, Branch.name).where(
            Branch.id.is_in(_ids([k for k in branches if k is not None]))
        )
    }
    return Summary(
        events=HeldEvents(
            held=sum(by_kind.values()),
            by_kind={kind: by_kind.get(kind, 0) for kind in get_args(Kind)},
        ),
        attendees=(await attendees(scope))[None],
        interceptions=Totals(**_totals(total.get(None))),
        by_fraud_type=_rows("fraud_type", await interceptions(scope, "fraud_type")),
        by_branch=[
            {
                "branch_id": key,
                "code": names.get(key, {}).get("code", ""),
                "name": names.get(key, {}).get("name", ""),
                **_totals(values),
            }
            for key, values in sorted(branches.items())
        ],
        by_month=_rows("month", await interceptions(scope, "month")),
        by_age_band=_rows("victim_age_band", await interceptions(scope, "victim_age_band")),
    )


def _rows(name: str, grouped: dict[Any, dict[str, int]]) -> list[dict[str, Any]]:
    return [{name: key, **_totals(values)} for key, values in sorted(grouped.items())]


class Progress(msgspec.Struct):
    goals: dict[str, Any]
    actuals: dict[str, Any]
    percent: dict[str, float | None]


def _percent(actual: int, goal: int | None) -> float | None:
    if not goal:
        return None
    return round(actual * 100 / goal, 1)


async def campaign_progress(scope: Scope, goals: dict[str, Any]) -> Progress:
    """Goals against actuals; interceptions are those attributed to the campaign's events."""
    held = sum((await held_occurrences(scope, Event.kind)).values())
    people = (await attendees(scope))[None]
    raw = (await interceptions(scope)).get(None) or {
        "verified": 0,
        "pending": 0,
        "fen_verified": 0,
        "fen_pending": 0,
    }
    goal_fen = parse_amount(goals["amount_saved"]) if goals.get("amount_saved") else None
    return Progress(
        goals=goals,
        actuals={
            "events": held,
            "attendees": people,
            "interceptions": raw["verified"],
            "interceptions_pending": raw["pending"],
            "amount_saved": format_fen(raw["fen_verified"]),
            "amount_pending": format_fen(raw["fen_pending"]),
        },
        percent={
            "events": _percent(held, goals.get("events")),
            "attendees": _percent(people, goals.get("attendees")),
            "interceptions": _percent(raw["verified"], goals.get("interceptions")),
            "amount_saved": _percent(raw["fen_verified"], goal_fen),
        },
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


async def event_impact(scope: Scope, limit: int, offset: int) -> tuple[list[EventImpact], int]:
    """Per event: occurrences held, attendance, attributed interceptions and money saved."""
    query = Event.select(
        Event.id,
        Event.title,
        Event.kind,
        Event.branch,
        Event.campaign,
        Event.status,
        Event.starts_at,
        Event.timezone,
    ).where(Event.status != "draft")
    count = Event.count().where(Event.status != "draft")
    clauses: list[Any] = []
    if scope.branch_ids is not None:
        clauses.append(Event.branch.is_in(_ids(scope.branch_ids)))
    if scope.campaign_id is not None:
        clauses.append(Event.campaign == scope.campaign_id)
    if scope.start is not None:
        clauses.append(Event.series_ends_at.is_null() | (Event.series_ends_at > scope.start))
    if scope.end is not None:
        clauses.append(Event.starts_at < scope.end)
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.order_by(Event.starts_at).order_by(Event.id).limit(limit).offset(offset)
    page = Scope(
        branch_ids=scope.branch_ids,
        campaign_id=scope.campaign_id,
        start=scope.start,
        end=scope.end,
        event_ids=[row["id"] for row in rows],
    )
    held = await held_occurrences(page, Event.id)
    people = await attendees(page, by_event=True)
    caught = await interceptions(page, "event")
    items = []
    for row in rows:
        totals = _totals(caught.get(row["id"]))
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
                attendees=people.get(row["id"], 0),
                interceptions=totals["verified"],
                interceptions_pending=totals["pending"],
                amount_saved=totals["amount_saved"],
                amount_pending=totals["amount_pending"],
            )
        )
    return items, await count
