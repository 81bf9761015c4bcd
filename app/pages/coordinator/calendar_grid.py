"""The month and week grids of the events calendar, and which occurrences clash.

A clash is judged by the rule the events service refuses with (`shares_resource`:
the same venue of the same branch, or the same host), applied to the scheduled
occurrences on the page, so an event saved with "allow conflicts" shows it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from events.conflicts import Booking, shares_resource
from events.recurrence import Schedule
from events.schemas import OccurrenceOut


@dataclass
class Entry:
    occurrence: OccurrenceOut
    starts: datetime
    ends: datetime
    clashes: bool = False


@dataclass
class Day:
    day: date
    in_period: bool
    entries: list[Entry] = field(default_factory=list)


def entries_of(found: list[OccurrenceOut]) -> list[Entry]:
    entries = [
        Entry(o, datetime.fromisoformat(o.starts_at), datetime.fromisoformat(o.ends_at))
        for o in found
    ]
    mark_clashes(entries)
    return entries


def _booking(entry: Entry) -> Booking:
    o = entry.occurrence
    schedule = Schedule(starts_at=entry.starts, ends_at=entry.ends, timezone=o.timezone)
    return Booking(schedule, o.branch_id, o.venue.name, o.host)


def mark_clashes(entries: list[Entry]) -> None:
    """Marks scheduled occurrences that overlap another scheduled one sharing venue or host."""
    scheduled = sorted(
        (e for e in entries if e.occurrence.status == "scheduled"), key=lambda e: e.starts
    )
    for i, left in enumerate(scheduled):
        for right in scheduled[i + 1 :]:
            if right.starts >= left.ends:
                break
            if right.occurrence.event_id == left.occurrence.event_id:
                continue
            if shares_resource(_booking(left), _booking(right)):
                left.clashes = right.clashes = True


def month_bounds(first: date) -> tuple[date, date]:
    """The Monday on or before the 1st, and the day after the Sunday on or after the last."""
    start = first - timedelta(days=first.weekday())
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = following + timedelta(days=(7 - following.weekday()) % 7)
    return start, end


def days_between(
    start: date, end: date, period: tuple[date, date], entries: list[Entry]
) -> list[Day]:
    days = [
        Day(start + timedelta(days=n), period[0] <= start + timedelta(days=n) < period[1])
        for n in range((end - start).days)
    ]
    by_day = {d.day: d for d in days}
    for entry in entries:
        local = entry.starts.date()
        if local in by_day:
            by_day[local].entries.append(entry)
    return days


def weeks(days: list[Day]) -> list[list[Day]]:
    return [days[i : i + 7] for i in range(0, len(days), 7)]
