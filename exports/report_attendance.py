"""Attendance of a report by month: attendees and anti-fraud app installs, in one statement.

The rule is the summary's own for `attendees`: attendance records of events
neither draft nor cancelled, whose occurrence starts inside the window, in the
scope's branches and campaign; so the months add up to the headline figure.
A month is the occurrence start's month in China time.
"""

from dataclasses import dataclass
from typing import Any

from exports.report_occurrences import HeldScope, scoped_sql
from exports.report_sql import Statement, held_sql, month_of, window_sql


@dataclass(frozen=True)
class Attended:
    month: str
    attendees: int
    app_installs: int


def attendance_statement(scope: HeldScope) -> Statement:
    """Attendees and app installs per China-time month of the occurrence, oldest first."""
    window, args = window_sql("a.occurrence_start", scope.start, scope.end)
    where, where_args = scoped_sql(scope, "e.branch", "e.campaign", "e.id")
    month = month_of("a.occurrence_start")
    return (
        f"SELECT {month} AS month, SUM(a.headcount) AS people, "  # noqa: S608 - fixed names
        "SUM(a.app_installs) AS installs "
        "FROM attendance AS a JOIN event AS e ON e.id = a.event "
        f"WHERE {held_sql('e.status')}{window}{where} GROUP BY {month} ORDER BY {month}",
        [*args, *where_args],
    )


def attendance_from_rows(rows: list[dict[str, Any]]) -> list[Attended]:
    # Sorted here too: rows gathered as JSON on PostgreSQL need not keep their order.
    return sorted(
        (
            Attended(row["month"], int(row["people"] or 0), int(row["installs"] or 0))
            for row in rows
        ),
        key=lambda attended: attended.month,
    )
