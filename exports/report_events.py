"""The per-event report: held occurrences, attendance, attributed interceptions and money
saved per event, sorted by any of them and paged in SQL."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, get_args

from events.tables import Event
from exports.report_occurrences import held_window
from exports.report_sql import counted_sql, held_sql, in_list, window_sql

SortKey = Literal[
    "starts_at",
    "title",
    "occurrences_held",
    "attendees",
    "interceptions",
    "amount_saved",
    "amount_per_attendee",
]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
Sort = Literal[
    "starts_at",
    "-starts_at",
    "title",
    "-title",
    "occurrences_held",
    "-occurrences_held",
    "attendees",
    "-attendees",
    "interceptions",
    "-interceptions",
    "amount_saved",
    "-amount_saved",
    "amount_per_attendee",
    "-amount_per_attendee",
]

# The SQL each sort key orders by; ties go by start, then id.
_ORDER = {
    "starts_at": "e.starts_at",
    "title": "e.title",
    "occurrences_held": "held",
    "attendees": "attendees",
    "interceptions": "verified",
    "amount_saved": "fen_verified",
    # Exact enough to order by; the value shown is computed from integers.
    "amount_per_attendee": "CASE WHEN attendees > 0 THEN fen_verified * 1.0 / attendees END",
}


# Sorts led by the interceptions' figures alone; descending, their first pages hold only
# events with attributed interceptions, which one pass over the interceptions finds.
_INTERCEPTION_SORTS = {"-interceptions": "verified", "-amount_saved": "fen_verified"}


@dataclass(frozen=True)
class ImpactScope:
    branch_ids: list[int] | None
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    # Only these events (the page found by the interceptions alone).
    event_ids: list[int] | None = None


def _only(column: str, scope: ImpactScope) -> tuple[str, list[Any]]:
    if scope.event_ids is None:
        return "", []
    clause, ids = in_list(column, scope.event_ids)
    return f" AND {clause}", ids


def _event_filter(scope: ImpactScope) -> tuple[str, list[Any]]:
    sql = "e.status <> 'draft'"
    args: list[Any] = []
    only, only_args = _only("e.id", scope)
    sql += only
    args += only_args
    if scope.branch_ids is not None:
        clause, ids = in_list("e.branch", scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    if scope.campaign_id is not None:
        sql += " AND e.campaign = {}"
        args.append(scope.campaign_id)
    if scope.start is not None:
        sql += " AND (e.series_ends_at IS NULL OR e.series_ends_at > {})"
        args.append(scope.start)
    if scope.end is not None:
        sql += " AND e.starts_at < {}"
        args.append(scope.end)
    return sql, args


def _interceptions(scope: ImpactScope) -> tuple[str, list[Any]]:
    """Per event: its attributed interceptions in the window, counted and summed."""
    sql = (
        "SELECT event, "  # noqa: S608 - fixed names
        "SUM(CASE WHEN status = 'verified' THEN 1 ELSE 0 END) AS verified, "
        "SUM(CASE WHEN status = 'logged' THEN 1 ELSE 0 END) AS pending, "
        "SUM(CASE WHEN status = 'verified' THEN amount_saved_fen ELSE 0 END) AS fen_verified, "
        "SUM(CASE WHEN status = 'logged' THEN amount_saved_fen ELSE 0 END) AS fen_pending "
        f"FROM interception WHERE event IS NOT NULL AND {counted_sql('status')}"
    )
    window, args = window_sql("occurred_at", scope.start, scope.end)
    sql += window
    if scope.branch_ids is not None:
        clause, ids = in_list("branch", scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    only, only_args = _only("event", scope)
    return f"{sql}{only} GROUP BY event", [*args, *only_args]


def _figures(scope: ImpactScope) -> tuple[str, list[Any]]:
    """Three aggregates joined to the events: held occurrences, attendance, interceptions."""
    start, stop = held_window(scope.start, scope.end)
    attendance_window, attendance_args = window_sql("occurrence_start", scope.start, scope.end)
    held_only, held_only_args = _only("event", scope)
    attendance_only, attendance_only_args = _only("event", scope)
    interceptions, interception_args = _interceptions(scope)
    sql = (
        "LEFT JOIN (SELECT event, COUNT(*) AS held FROM occurrence "  # noqa: S608 - fixed names
        f"WHERE {held_sql('status')} AND ends_at >= {{}} AND ends_at < {{}}{held_only} "
        "GROUP BY event) AS h ON h.event = e.id "
        "LEFT JOIN (SELECT event, SUM(headcount) AS people FROM attendance "
        f"WHERE 1 = 1{attendance_window}{attendance_only} GROUP BY event) AS a "
        f"ON a.event = e.id LEFT JOIN ({interceptions}) AS i ON i.event = e.id"
    )
    columns = (
        "COALESCE(h.held, 0) AS held, "
        f"CASE WHEN {held_sql('e.status')} THEN COALESCE(a.people, 0) ELSE 0 END AS attendees, "
        "COALESCE(i.verified, 0) AS verified, COALESCE(i.pending, 0) AS pending, "
        "COALESCE(i.fen_verified, 0) AS fen_verified, COALESCE(i.fen_pending, 0) AS fen_pending"
    )
    args = [
        start,
        stop,
        *held_only_args,
        *attendance_args,
        *attendance_only_args,
        *interception_args,
    ]
    return f"{columns} FROM event AS e {sql}", args


async def _page_by_interceptions(
    scope: ImpactScope, sort: str, limit: int, offset: int
) -> list[int] | None:
    """The page's event ids when it holds only events whose sort figure is above zero,
    found from the interceptions alone (the partial index of attributed ones) instead
    of every event's occurrences and attendance; None when the page reaches past them."""
    column = _INTERCEPTION_SORTS[sort]
    interceptions, args = _interceptions(scope)
    where, where_args = _event_filter(scope)
    rows = await Event.raw(
        f"SELECT e.id FROM ({interceptions}) AS i JOIN event AS e ON e.id = i.event "  # noqa: S608 - fixed names
        f"WHERE i.{column} > 0 AND {where} "
        f"ORDER BY i.{column} DESC, e.starts_at, e.id LIMIT {{}}",
        *args,
        *where_args,
        offset + limit,
    )
    if len(rows) < offset + limit:
        return None
    return [row["id"] for row in rows[offset:]]


async def event_rows(
    scope: ImpactScope, sort: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of events with their figures, in `sort` order ("-" for descending)."""
    count_where, count_args = _event_filter(scope)
    total = await Event.raw(
        f"SELECT COUNT(*) AS n FROM event AS e WHERE {count_where}",  # noqa: S608 - fixed names
        *count_args,
    )
    if sort in _INTERCEPTION_SORTS and limit > 0:
        ids = await _page_by_interceptions(scope, sort, limit, offset)
        if ids is not None:
            scope = replace(scope, event_ids=ids)
            offset = 0
    key = sort.lstrip("-")
    direction = "DESC" if sort.startswith("-") else "ASC"
    figures, figure_args = _figures(scope)
    where, where_args = _event_filter(scope)
    order = f"{_ORDER[key]} {direction} NULLS LAST, e.starts_at, e.id"
    sql = (
        "SELECT * FROM (SELECT e.id, e.title, e.kind, e.branch, e.campaign, e.status, "  # noqa: S608 - fixed names
        f"e.starts_at, e.timezone, {figures} WHERE {where}) AS e "
        f"ORDER BY {order} LIMIT {{}} OFFSET {{}}"
    )
    rows = await Event.raw(sql, *figure_args, *where_args, limit, offset)
    return rows, int(total[0]["n"])
