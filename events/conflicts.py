"""Scheduling conflicts: the same venue of the same branch, or the same host, at once.

Recurring events are compared occurrence by occurrence over a bounded horizon
(CONFLICT_HORIZON from the event's first start), so a rule without an end is
checked for its first year rather than for ever. The other events' occurrences
are read from the occurrence table.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.event_rows import schedule_of
from events.occurrence_windows import Span, occurrences_beyond_table, overlapping
from events.recurrence import Schedule, occurrences
from events.tables import Event, Occurrence

CONFLICT_HORIZON = timedelta(days=366)
MAX_LISTED = 10


def normalise(text: str) -> str:
    """Venue and host names compare without regard to case or spacing."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Booking:
    """What an event occupies: a venue of a branch and a host, on a schedule."""

    schedule: Schedule
    branch_id: int
    venue_name: str
    host: str


def shares_resource(a: Booking, b: Booking) -> bool:
    venue = normalise(a.venue_name)
    host = normalise(a.host)
    same_venue = bool(venue) and a.branch_id == b.branch_id and venue == normalise(b.venue_name)
    return same_venue or (bool(host) and host == normalise(b.host))


def first_clash(left: list[Span], right: list[Span]) -> datetime | None:
    """The start of the first span of `left` that overlaps one of `right` (both in order)."""
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][0] < right[j][1] and right[j][0] < left[i][1]:
            return left[i][0]
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return None


def first_overlap(a: Schedule, b: Schedule, start: datetime, end: datetime) -> datetime | None:
    """The start of the first occurrence of `a` that overlaps one of `b` in [start, end)."""
    return first_clash(occurrences(a, start, end), occurrences(b, start, end))


def horizon_of(schedule: Schedule) -> tuple[datetime, datetime]:
    start = schedule.starts_at.astimezone(UTC)
    return start, start + CONFLICT_HORIZON


_CANDIDATE_COLUMNS = (
    Event.id,
    Event.title,
    Event.branch,
    Event.venue_name,
    Event.host,
    Event.starts_at,
    Event.ends_at,
    Event.timezone,
    Event.rrule,
    Event.exdates,
)


async def _their_occurrences(
    rows: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[int, list[Span]]:
    """The candidates' occurrences in [start, end): rows of the occurrence table, plus
    the part an open-ended series has no rows for yet, expanded from the window."""
    ids = [row["id"] for row in rows]
    spans: dict[int, list[Span]] = {event_id: [] for event_id in ids}
    found = (
        await Occurrence.select(Occurrence.event, Occurrence.starts_at, Occurrence.ends_at)
        .where(Occurrence.event.is_in(ids), *overlapping(start, end))
        .order_by(Occurrence.event)
        .order_by(Occurrence.starts_at)
    )
    for row in found:
        spans[row["event"]].append((row["starts_at"], row["ends_at"]))
    for row, extra in await occurrences_beyond_table(
        (Event.id,), [Event.id.is_in(ids)], start, end, limit=10**6
    ):
        spans[row["id"]] = sorted([*spans[row["id"]], *extra])
    return spans


async def find_conflicts(booking: Booking, exclude_id: int | None) -> list[dict[str, Any]]:
    """Scheduled events that clash with `booking`: id, title, starts_at, clash_at.

    The other events' occurrences come from the occurrence table, so an old series
    costs no more than a new one.
    """
    start, end = horizon_of(booking.schedule)
    query = Event.select(*_CANDIDATE_COLUMNS).where(
        (Event.status == "scheduled")
        & (Event.starts_at < end)
        & (Event.series_ends_at.is_null() | (Event.series_ends_at > start))
        & ((Event.branch == booking.branch_id) | (Event.host != ""))
    )
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    candidates = [
        row
        for row in await query.order_by(Event.starts_at).order_by(Event.id)
        if shares_resource(
            booking, Booking(schedule_of(row), row["branch"], row["venue_name"], row["host"])
        )
    ]
    if not candidates:
        return []
    mine = occurrences(booking.schedule, start, end)
    theirs = await _their_occurrences(candidates, start, end)
    clashes: list[dict[str, Any]] = []
    for row in candidates:
        at = first_clash(mine, theirs[row["id"]])
        if at is not None:
            clashes.append({"id": row["id"], "title": row["title"], "row": row, "clash_at": at})
            if len(clashes) >= MAX_LISTED:
                break
    return clashes
