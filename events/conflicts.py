"""Scheduling conflicts: the same venue of the same branch, or the same host, at once.

Recurring events are compared occurrence by occurrence over a bounded horizon
(CONFLICT_HORIZON from the event's first start), so a rule without an end is
checked for its first year rather than for ever.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.recurrence import Schedule, occurrences
from events.tables import Event

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


def first_overlap(a: Schedule, b: Schedule, start: datetime, end: datetime) -> datetime | None:
    """The start of the first occurrence of `a` that overlaps one of `b` in [start, end)."""
    left = occurrences(a, start, end)
    right = occurrences(b, start, end)
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][0] < right[j][1] and right[j][0] < left[i][1]:
            return left[i][0]
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return None


def horizon_of(schedule: Schedule) -> tuple[datetime, datetime]:
    start = schedule.starts_at.astimezone(UTC)
    return start, start + CONFLICT_HORIZON


def schedule_of(row: dict[str, Any]) -> Schedule:
    return Schedule(
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        exdates=frozenset(datetime.fromisoformat(x) for x in json.loads(row["exdates"] or "[]")),
    )


async def find_conflicts(booking: Booking, exclude_id: int | None) -> list[dict[str, Any]]:
    """Scheduled events that clash with `booking`: id, title, starts_at, clash_at."""
    start, end = horizon_of(booking.schedule)
    query = Event.select(
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
    ).where(
        (Event.status == "scheduled")
        & (Event.starts_at < end)
        & (Event.series_ends_at.is_null() | (Event.series_ends_at > start))
        & ((Event.branch == booking.branch_id) | (Event.host != ""))
    )
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    clashes: list[dict[str, Any]] = []
    for row in await query.order_by(Event.starts_at):
        other = Booking(schedule_of(row), row["branch"], row["venue_name"], row["host"])
        if not shares_resource(booking, other):
            continue
        at = first_overlap(booking.schedule, other.schedule, start, end)
        if at is not None:
            clashes.append({"id": row["id"], "title": row["title"], "row": row, "clash_at": at})
            if len(clashes) >= MAX_LISTED:
                break
    return clashes
