"""Attendance of a report by month: attendees and anti-fraud app installs, in one statement.

The rule is the summary's own for `attendees`: attendance records of events
neither draft nor cancelled, whose occurrence starts inside the window, in the
scope's branches and campaign; so the months add up to the headline figure.
A month is the occurrence start's month in China time.

Whole months come from the monthly tallies (attendance_tally, kept by triggers
in the writing transaction); the partial months at the edges of the window,
and scopes the tallies do not break down (a campaign, a list of events), from
the records.
"""

from dataclasses import dataclass
from typing import Any

from exports.report_occurrences import HeldScope, scoped_sql
from exports.report_sql import Statement, held_sql, in_list, month_of, window_sql
from exports.report_windows import split_by_month, tally_months_sql


@dataclass(frozen=True)
class Attended:
    month: str
    attendees: int
    app_installs: int


def _from_records(scope: HeldScope, start: Any, end: Any) -> Statement:
    window, args = window_sql("a.occurrence_start", start, end)
    where, where_args = scoped_sql(scope, "e.branch", "e.campaign", "e.id")
    month = month_of("a.occurrence_start")
    return (
        f"SELECT {month} AS month, COUNT(*) AS records, SUM(a.headcount) AS people, "  # noqa: S608 - fixed names
        "SUM(a.app_installs) AS installs "
        "FROM attendance AS a JOIN event AS e ON e.id = a.event "
        f"WHERE {held_sql('e.status')}{window}{where} GROUP BY {month}",
        [*args, *where_args],
    )


def _from_tallies(scope: HeldScope, first: Any, last: Any) -> Statement:
    sql = "SELECT month, records, people, installs FROM attendance_tally WHERE true"
    args: list[Any] = []
    if scope.branch_ids is not None:
        clause, ids = in_list("branch", scope.branch_ids)
        sql += f" AND {clause}"
        args += ids
    months, month_args = tally_months_sql(first, last)
    return sql + months, args + month_args


def attendance_statement(scope: HeldScope) -> Statement:
    """Attendees and app installs per China-time month of the occurrence, oldest first."""
    sources: list[Statement] = []
    if scope.campaign_id is None and scope.event_ids is None:
        whole, edges = split_by_month(scope.start, scope.end)
        if whole is not None:
            sources.append(_from_tallies(scope, *whole))
        sources += [_from_records(scope, start, end) for start, end in edges]
    else:
        sources.append(_from_records(scope, scope.start, scope.end))
    # A month whose records were all taken back keeps a tally row of zeros: not shown.
    sql = (
        "SELECT month, SUM(people) AS people, SUM(installs) AS installs FROM ("  # noqa: S608 - fixed names
        + " UNION ALL ".join(source for source, _ in sources)
        + ") AS counted GROUP BY month HAVING SUM(records) > 0 ORDER BY month"
    )
    return sql, [arg for _, source_args in sources for arg in source_args]


def attendance_from_rows(rows: list[dict[str, Any]]) -> list[Attended]:
    # Sorted here too: rows gathered as JSON on PostgreSQL need not keep their order.
    return sorted(
        (
            Attended(row["month"], int(row["people"] or 0), int(row["installs"] or 0))
            for row in rows
        ),
        key=lambda attended: attended.month,
    )
