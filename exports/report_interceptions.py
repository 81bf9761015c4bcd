"""Interception figures of a report, every breakdown in one statement.

Whole months come from the monthly tallies (interception_tally, kept by triggers
in the writing transaction); the partial months at the edges of the window, and
scopes the tallies do not break down (a campaign), come from the rows, shaped
like tallies. One outer pass then groups them into the total and the
breakdowns by branch, month, fraud type, channel and age band.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exports.report_sql import Statement, counted_sql, in_list, month_of, window_sql
from exports.report_windows import split_by_month, tally_months_sql
from interceptions.tables import Interception

BREAKDOWNS = ("fraud_type", "channel", "victim_age_band")
FIGURES = ("total", "branch", "month", *BREAKDOWNS)


@dataclass
class Counted:
    """Counts and fen of one group; pending means logged and not yet reviewed."""

    verified: int = 0
    pending: int = 0
    fen_verified: int = 0
    fen_pending: int = 0
    # A branch's code and name, for the figure per branch.
    code: str = ""
    name: str = ""

    def add(self, status: str, n: int, fen: int) -> None:
        if status == "verified":
            self.verified += n
            self.fen_verified += fen
        else:
            self.pending += n
            self.fen_pending += fen


@dataclass(frozen=True)
class InterceptionScope:
    branch_ids: list[int] | None
    campaign_id: int | None
    start: datetime | None
    end: datetime | None


def _from_tallies(
    scope: InterceptionScope, first: datetime | None, last: datetime | None
) -> Statement:
    """Tallies of whole months. Over every branch, the network-wide rows (branch 0) give
    the breakdowns and each branch's "total" rows the figure per branch; `part` says
    which figures a row feeds: "all" (not per branch), "branch" (only per branch), "both"."""
    args: list[Any] = []
    if scope.branch_ids is None:
        part = "CASE WHEN branch = 0 THEN 'all' ELSE 'branch' END"
        which = " AND (branch = 0 OR breakdown = 'total')"
    else:
        clause, ids = in_list("branch", scope.branch_ids)
        part, which = "'both'", f" AND {clause}"
    sql = (
        f"SELECT month, branch, status, breakdown, value, n, fen, {part} AS part "  # noqa: S608
        f"FROM interception_tally WHERE {counted_sql('status')}{which}"
    )
    if scope.branch_ids is not None:
        args += ids
    months, month_args = tally_months_sql(first, last)
    return sql + months, args + month_args


_UNPIVOT = " UNION ALL ".join(f"SELECT '{name}' AS breakdown" for name in ("total", *BREAKDOWNS))
_VALUE = (
    "CASE b.breakdown WHEN 'total' THEN '' WHEN 'fraud_type' THEN i.fraud_type "
    "WHEN 'channel' THEN i.channel ELSE i.victim_age_band END"
)


def _from_rows(scope: InterceptionScope, start: datetime | None, end: datetime | None) -> Statement:
    args: list[Any] = []
    sql = (
        f"SELECT {month_of('i.occurred_at')} AS month, i.branch, i.status, b.breakdown, "  # noqa: S608 - fixed names
        f"{_VALUE} AS value, COUNT(*) AS n, SUM(i.amount_saved_fen) AS fen, 'both' AS part "
        f"FROM interception AS i CROSS JOIN ({_UNPIVOT}) AS b WHERE {counted_sql('i.status')}"
    )
    window, window_args = window_sql("i.occurred_at", start, end)
    sql += window
    args += window_args
    if scope.branch_ids is not None:
        clause, ids = in_list("i.branch", scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    if scope.campaign_id is not None:
        sql += " AND i.event IN (SELECT id FROM event WHERE campaign = {})"
        args.append(scope.campaign_id)
    return sql + " GROUP BY 1, 2, 3, 4, 5", args


_OUTER = (
    "SELECT 'total' AS figure, '' AS label, status, SUM(n) AS n, SUM(fen) AS fen, "
    "'' AS code, '' AS name FROM tally "
    "WHERE breakdown = 'total' AND part <> 'branch' GROUP BY status HAVING SUM(n) > 0 "
    "UNION ALL SELECT 'branch', CAST(t.branch AS TEXT), t.status, SUM(t.n), SUM(t.fen), "
    "b.code, b.name FROM tally AS t JOIN branch AS b ON b.id = t.branch "
    "WHERE t.breakdown = 'total' AND t.part <> 'all' "
    "GROUP BY t.branch, t.status, b.code, b.name HAVING SUM(t.n) > 0 "
    "UNION ALL SELECT 'month', month, status, SUM(n), SUM(fen), '', '' FROM tally "
    "WHERE breakdown = 'total' AND part <> 'branch' GROUP BY month, status HAVING SUM(n) > 0 "
    "UNION ALL SELECT breakdown, value, status, SUM(n), SUM(fen), '', '' FROM tally "
    "WHERE breakdown <> 'total' AND part <> 'branch' GROUP BY breakdown, value, status "
    "HAVING SUM(n) > 0"
)


def interception_statement(scope: InterceptionScope) -> Statement:
    """figure ("total", "branch", "month", "fraud_type", …), label, status, n and fen."""
    sources: list[Statement] = []
    if scope.campaign_id is None:
        whole, edges = split_by_month(scope.start, scope.end)
        if whole is not None:
            sources.append(_from_tallies(scope, *whole))
        sources += [_from_rows(scope, start, end) for start, end in edges]
    else:
        sources.append(_from_rows(scope, scope.start, scope.end))
    sql = (
        "WITH tally AS MATERIALIZED ("
        + " UNION ALL ".join(source for source, _ in sources)
        + ") "
        + _OUTER
    )
    return sql, [arg for _, source_args in sources for arg in source_args]


def interception_from_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Counted]]:
    """figure → label → counts and fen. The total's label is "", a branch's its id as
    text (with its code and name), a month's "2025-03"."""
    figures: dict[str, dict[str, Counted]] = {name: {} for name in FIGURES}
    for row in rows:
        counted = figures[row["figure"]].setdefault(
            row["label"], Counted(code=row["code"], name=row["name"])
        )
        counted.add(row["status"], int(row["n"]), int(row["fen"] or 0))
    return figures


async def interception_figures(scope: InterceptionScope) -> dict[str, dict[str, Counted]]:
    sql, args = interception_statement(scope)
    return interception_from_rows(await Interception.raw(sql, *args))
