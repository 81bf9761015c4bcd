"""Held occurrences and outreach of a report, from the occurrence table in one pass.

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
from exports.report_sql import HELD_STATUSES, in_list


@dataclass
class Held:
    by_kind: Counter[str] = field(default_factory=Counter)
    by_event: Counter[int] = field(default_factory=Counter)
    trips: int = 0
    tenths: int = 0
    remote_tenths: int = 0

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


async def held_occurrences(scope: HeldScope, per_event: bool = False) -> Held:
    """Held occurrences per kind (and per event when asked), with the outreach sums."""
    held = Held()
    start, stop = held_window(scope.start, scope.end)
    if stop <= start:
        return held
    statuses, args = in_list("status", HELD_STATUSES)
    by = "kind, remote_area, event" if per_event else "kind, remote_area"
    sql = (
        f"SELECT {by}, COUNT(*) AS held, "  # noqa: S608 - fixed names
        "SUM(CASE WHEN travel_km_tenths > 0 THEN 1 ELSE 0 END) AS trips, "
        "SUM(COALESCE(travel_km_tenths, 0)) AS tenths "
        f"FROM occurrence WHERE {statuses} AND ends_at >= {{}} AND ends_at < {{}}"
    )
    args += [start, stop]
    if scope.branch_ids is not None:
        clause, ids = in_list("branch", scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    if scope.campaign_id is not None:
        sql += " AND campaign = {}"
        args.append(scope.campaign_id)
    if scope.event_ids is not None:
        clause, ids = in_list("event", scope.event_ids)
        sql += f" AND {clause}"
        args += ids
    for row in await Occurrence.raw(f"{sql} GROUP BY {by}", *args):
        held.add(
            row["kind"],
            row.get("event"),
            int(row["held"]),
            int(row["trips"] or 0),
            int(row["tenths"] or 0),
            bool(row["remote_area"]),
        )
    await _add_beyond_table(held, scope, start, stop)
    return held


async def _add_beyond_table(held: Held, scope: HeldScope, start: datetime, stop: datetime) -> None:
    """Series whose rows stop before `stop` (the upkeep has not run for a long time)."""
    clauses: list[Any] = [Event.status.is_in(list(HELD_STATUSES))]
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
