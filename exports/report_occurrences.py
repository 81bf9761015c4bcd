"""Held occurrences, outreach and attendance of a report, from the occurrence table in one pass.

An occurrence is held when its event is neither draft nor cancelled and it
ended inside the window (and before now). Outreach: home visits are held
occurrences of kind home_visit; a trip is a held occurrence whose event records
a distance travelled (travel_km above zero), counted per occurrence, as are its
kilometres, split by remote_area.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.clock import utcnow
from events.occurrence_windows import occurrences_beyond_table
from events.recurrence import EARLIEST
from events.tables import Event, Occurrence
from exports.report_sql import NOT_HELD, Statement, held_sql, in_list, window_sql


@dataclass
class Held:
    by_kind: Counter[str] = field(default_factory=Counter)
    by_event: Counter[int] = field(default_factory=Counter)
    trips: int = 0
    tenths: int = 0
    remote_tenths: int = 0
    attendees: int = 0

    def add(
        self, kind: str, event: int | None, held: int, trips: int, tenths: int, remote: bool
    ) -> None:
        self.by_kind[kind] += held
        if event is not None:
            self.by_event[event] += held
        self.trips += trips
        self.tenths += tenths
        if remote:
            self.remote_tenths += tenths


@dataclass(frozen=True)
class HeldScope:
    branch_ids: list[int] | None
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    event_ids: list[int] | None = None


def held_window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """[start, stop): an occurrence that has not ended yet is not held."""
    now = utcnow()
    return start or EARLIEST, min(end, now) if end else now


def scoped_sql(scope: HeldScope, branch: str, campaign: str, event: str) -> tuple[str, list[Any]]:
    sql, args = "", []
    if scope.branch_ids is not None:
        clause, ids = in_list(branch, scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    if scope.campaign_id is not None:
        sql += f" AND {campaign} = {{}}"
        args.append(scope.campaign_id)
    if scope.event_ids is not None:
        clause, ids = in_list(event, scope.event_ids)
        sql += f" AND {clause}"
        args += ids
    return sql, args


def held_statement(
    scope: HeldScope, per_event: bool = False, attendance: bool = False
) -> Statement | None:
    """Held occurrences per kind (and per event when asked) with the outreach sums, and the
    attendance when asked, in one statement; None when there is nothing to count. It also
    counts the series whose rows stop early (see held_from_rows)."""
    start, stop = held_window(scope.start, scope.end)
    parts: list[str] = []
    args: list[Any] = []
    if start < stop:
        by = "kind, remote_area, event" if per_event else "kind, remote_area"
        where, where_args = scoped_sql(scope, "branch", "campaign", "event")
        parts.append(
            f"SELECT 'held' AS part, {by}{'' if per_event else ', NULL AS event'}, "  # noqa: S608
            "COUNT(*) AS n, SUM(CASE WHEN travel_km_tenths > 0 THEN 1 ELSE 0 END) AS trips, "
            "SUM(COALESCE(travel_km_tenths, 0)) AS tenths FROM occurrence "
            f"WHERE {held_sql('status')} AND ends_at >= {{}} AND ends_at < {{}}{where} "
            f"GROUP BY {by}"
        )
        args += [start, stop, *where_args]
        where, where_args = scoped_sql(scope, "branch", "campaign", "id")
        parts.append(
            "SELECT 'beyond', '', FALSE, NULL, COUNT(*), 0, 0 FROM event "  # noqa: S608
            f"WHERE {held_sql('status')} AND occurrences_until IS NOT NULL "
            f"AND occurrences_until < {{}} AND starts_at < {{}}{where}"
        )
        args += [stop, stop, *where_args]
    if attendance:
        window, window_args = window_sql("a.occurrence_start", scope.start, scope.end)
        where, where_args = scoped_sql(scope, "e.branch", "e.campaign", "e.id")
        parts.append(
            "SELECT 'people', '', FALSE, NULL, COALESCE(SUM(a.headcount), 0), 0, 0 "  # noqa: S608
            "FROM attendance AS a JOIN event AS e ON e.id = a.event "
            f"WHERE {held_sql('e.status')}{window}{where}"
        )
        args += [*window_args, *where_args]
    if not parts:
        return None
    return " UNION ALL ".join(parts), args


async def held_from_rows(scope: HeldScope, rows: list[dict[str, Any]]) -> Held:
    """The figures of held_statement's rows; series whose rows stop early are expanded
    for the window (rarely: the upkeep keeps them ahead)."""
    held = Held()
    beyond = 0
    for row in rows:
        if row["part"] == "held":
            held.add(
                row["kind"],
                row["event"],
                int(row["n"]),
                int(row["trips"] or 0),
                int(row["tenths"] or 0),
                bool(row["remote_area"]),
            )
        elif row["part"] == "beyond":
            beyond = int(row["n"])
        else:
            held.attendees = int(row["n"])
    if beyond:
        await _add_beyond_table(held, scope, *held_window(scope.start, scope.end))
    return held


async def held_occurrences(
    scope: HeldScope, per_event: bool = False, attendance: bool = False
) -> Held:
    statement = held_statement(scope, per_event, attendance)
    rows = await Occurrence.raw(statement[0], *statement[1]) if statement else []
    return await held_from_rows(scope, rows)


async def _add_beyond_table(held: Held, scope: HeldScope, start: datetime, stop: datetime) -> None:
    """Series whose rows stop before `stop` (the upkeep has not run for a long time)."""
    clauses: list[Any] = [Event.status.not_in(list(NOT_HELD))]
    if scope.branch_ids is not None:
        clauses.append(Event.branch.is_in(scope.branch_ids or [-1]))
    if scope.campaign_id is not None:
        clauses.append(Event.campaign == scope.campaign_id)
    if scope.event_ids is not None:
        clauses.append(Event.id.is_in(scope.event_ids or [-1]))
    columns = (Event.id, Event.kind, Event.remote_area, Event.travel_km_tenths)
    # An occurrence that ends exactly at `start` is held; overlap would leave it out.
    early = start - timedelta(microseconds=1)
    for row, spans in await occurrences_beyond_table(columns, clauses, early, stop, 10**6):
        count = sum(1 for _, end in spans if start <= end < stop)
        tenths = row["travel_km_tenths"] or 0
        held.add(
            row["kind"],
            row["id"],
            count,
            count if tenths > 0 else 0,
            count * tenths,
            bool(row["remote_area"]),
        )
