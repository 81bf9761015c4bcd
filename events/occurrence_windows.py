"""Reading occurrences in a window: the table, and the rare part beyond it.

The table answers every window up to the horizon its rows reach. An event whose
rows stop before the window's end (an open-ended series, asked about years
ahead) is expanded for that window only, starting at the window, never from its
first occurrence; the expansion runs in a worker thread.
"""

from datetime import datetime
from typing import Any

import anyio.to_thread

from events.event_rows import schedule_of
from events.occurrence_spans import LONGEST
from events.recurrence import MAX_OCCURRENCES, TooManyOccurrencesError, occurrences
from events.tables import Event, Occurrence

Span = tuple[datetime, datetime]


def overlapping(start: datetime, end: datetime) -> list[Any]:
    """Where-clauses for occurrence rows that overlap [start, end).

    The lower bound on starts_at lets the index on it do the work: nothing that
    started more than LONGEST before the window can still be running.
    """
    return [
        Occurrence.starts_at < end,
        Occurrence.starts_at > start - LONGEST,
        Occurrence.ends_at > start,
    ]


def beyond_table(end: datetime) -> list[Any]:
    """Where-clauses for events with occurrences before `end` that have no rows yet."""
    return [
        Event.occurrences_until.is_not_null(),
        Event.occurrences_until < end,
        Event.status != "cancelled",
        Event.starts_at < end,
    ]


def _missing(
    rows: list[dict[str, Any]], start: datetime, end: datetime, limit: int
) -> list[tuple[dict[str, Any], list[Span]]]:
    found: list[tuple[dict[str, Any], list[Span]]] = []
    total = 0
    for row in rows:
        until = row["occurrences_until"]
        spans = [
            span
            for span in occurrences(schedule_of(row), max(start, until - LONGEST), end, limit)
            if span[0] >= until and span[1] > start
        ]
        total += len(spans)
        if total > limit:
            raise TooManyOccurrencesError(
                "More than {limit} occurrences fall in this window; choose a shorter one.",
                limit=limit,
            )
        if spans:
            found.append((row, spans))
    return found


async def occurrences_beyond_table(
    columns: tuple[Any, ...],
    clauses: list[Any],
    start: datetime,
    end: datetime,
    limit: int = MAX_OCCURRENCES,
) -> list[tuple[dict[str, Any], list[Span]]]:
    """Events matching `clauses` whose rows stop before `end`, with their occurrences in
    [start, end) that the table lacks. Usually no event qualifies and this is one
    indexed query that returns nothing."""
    needed = (Event.starts_at, Event.ends_at, Event.timezone, Event.rrule, Event.exdates)
    wanted = {c._meta.name: c for c in (*columns, *needed, Event.occurrences_until)}
    query = Event.select(*wanted.values())
    for clause in [*clauses, *beyond_table(end)]:
        query = query.where(clause)
    rows = await query.order_by(Event.id)
    if not rows:
        return []
    return await anyio.to_thread.run_sync(_missing, rows, start, end, limit)
