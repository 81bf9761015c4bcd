"""The dashboard's figures: the summary report's, plus attendance and app installs by month.

Attendance by month follows the summary's own rule for `attendees` (records of
events neither draft nor cancelled, by occurrence start inside the window, in
the caller's subtree and campaign), so the months add up to the headline.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

import msgspec

from events.tables import Attendance
from exports.report_windows import month_key
from exports.reports import ReportScope


class MonthOutreach(msgspec.Struct):
    month: str
    attendees: int
    app_installs: int


async def outreach_by_month(scope: ReportScope) -> list[MonthOutreach]:
    """Attendees and anti-fraud app installs per month of the occurrence (China time)."""
    query = Attendance.select(
        Attendance.occurrence_start, Attendance.headcount, Attendance.app_installs
    ).where(Attendance.event.status.not_in(["draft", "cancelled"]))
    if scope.branch_ids is not None:
        query = query.where(Attendance.event.branch.is_in(scope.branch_ids or [0]))
    if scope.campaign_id is not None:
        query = query.where(Attendance.event.campaign == scope.campaign_id)
    if scope.start is not None:
        query = query.where(Attendance.occurrence_start >= scope.start)
    if scope.end is not None:
        query = query.where(Attendance.occurrence_start < scope.end)
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in await query:
        start: datetime = row["occurrence_start"]
        sums = months[month_key(start)]
        sums[0] += row["headcount"]
        sums[1] += row["app_installs"]
    return [MonthOutreach(m, people, installs) for m, (people, installs) in sorted(months.items())]


def chart(categories: list[str], series: list[dict[str, Any]], kind: str = "bar") -> str:
    """What the page's script draws: categories, and named series of numbers (JSON)."""
    return msgspec.json.encode({"kind": kind, "categories": categories, "series": series}).decode()
