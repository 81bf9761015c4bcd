"""Which occurrences of an event belong in the occurrence table, and up to when.

A one-off event has its row, whenever it is. A series has a row per occurrence, exdates left
out, up to a horizon (now + HORIZON): a rule without an end would otherwise
never stop, and a series that ends in 2099 would fill the table with rows
nobody reads yet. `until` says where the rows stop; occurrences from there on
are expanded from the window when someone asks for them (events/occurrence_windows.py).
Cancelled events have no rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events.event_rows import schedule_of
from events.recurrence import occurrences

# Open-ended series are materialised two years ahead: the planning pages and
# feeds look months ahead, reports look back.
HORIZON = timedelta(days=2 * 365)
# Occurrences longer than this are refused (events/schedule.py), so a window
# query need not look further back for one still running.
LONGEST = timedelta(days=31)


@dataclass(frozen=True)
class Spans:
    """(start, end) UTC pairs for the table, and where they stop (None: they do not)."""

    spans: list[tuple[datetime, datetime]]
    until: datetime | None


def spans_for_table(row: dict[str, Any], horizon: datetime, since: datetime | None = None) -> Spans:
    """The rows an event gets, from `since` (default: its first start) up to `horizon`.

    CPU work that grows with the number of rows: callers run it in a worker thread.
    """
    if row["status"] == "cancelled":
        return Spans([], None)
    schedule = schedule_of(row)
    first = schedule.starts_at
    last_end = row["series_ends_at"]
    complete = not row["rrule"] or (last_end is not None and last_end - schedule.duration < horizon)
    stop = schedule.ends_at if not row["rrule"] else last_end if complete else horizon
    begin = first if since is None else since
    if stop is None or stop <= begin:
        return Spans([], None if complete else horizon)
    found = [
        span
        for span in occurrences(schedule, begin, stop, limit=10**7)
        if span[0] >= begin and span[0] < stop
    ]
    return Spans(found, None if complete else horizon)
