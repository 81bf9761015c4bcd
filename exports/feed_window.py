"""How far back a feed reaches, and when time last moved an event out of it.

A feed holds every event that ended within the last 12 months and every
later one, and keeps a cancelled event for 30 days after its cancellation so
that subscribed calendars learn to remove it. Older events leave by
themselves as the days pass; a subscriber's calendar keeps what it already
has, and years of history never make a poll heavier.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from events.tables import Event

ENDED_KEPT = relativedelta(months=12)
CANCELLED_KEPT = timedelta(days=30)
_DAY = timedelta(days=1)


def utc_day_start(moment: datetime) -> datetime:
    day: date = moment.astimezone(UTC).date()
    return datetime.combine(day, time(0), tzinfo=UTC)


def _instant(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


@dataclass(frozen=True)
class Window:
    """The window of one UTC day: it moves when the day turns, and only then."""

    today: datetime  # 00:00 UTC

    @classmethod
    def on(cls, now: datetime) -> "Window":
        return cls(today=utc_day_start(now))

    @property
    def ended_after(self) -> datetime:
        return self.today - ENDED_KEPT

    @property
    def cancelled_after(self) -> datetime:
        return self.today - CANCELLED_KEPT

    def clause(self) -> Any:
        """Events of the window: not ended before it, and not cancelled before it."""
        cutoff = self.ended_after
        # A series ends with its last occurrence; a rule without an end never ends.
        repeats = Event.rrule.is_not_null() & (Event.rrule != "")
        not_ended = (Event.series_ends_at >= cutoff) | (
            Event.series_ends_at.is_null() & (repeats | (Event.ends_at >= cutoff))
        )
        listed = Event.status.is_in(["scheduled", "completed"])
        recently_cancelled = (Event.status == "cancelled") & (
            (Event.cancelled_at >= self.cancelled_after)
            | (Event.cancelled_at.is_null() & (Event.updated_at >= self.cancelled_after))
        )
        return not_ended & (listed | recently_cancelled)

    async def last_departure(self) -> datetime | None:
        """The most recent day start at which time, not a write, moved an event out.

        A feed's Last-Modified must not trail that moment, or If-Modified-Since
        would answer 304 for a calendar that lost an event.
        """
        moments = [await self._last_cancellation_expiry(), await self._last_ending_expiry()]
        return max((m for m in moments if m is not None), default=None)

    async def _last_cancellation_expiry(self) -> datetime | None:
        row = await (
            Event.select(Event.cancelled_at)
            .where((Event.status == "cancelled") & (Event.cancelled_at < self.cancelled_after))
            .order_by(Event.cancelled_at, ascending=False)
            .first()
        )
        moment = _instant(row["cancelled_at"]) if row else None
        return None if moment is None else utc_day_start(moment + CANCELLED_KEPT) + _DAY

    async def _last_ending_expiry(self) -> datetime | None:
        cutoff = self.ended_after
        series = await (
            Event.select(Event.series_ends_at)
            .where(Event.series_ends_at < cutoff)
            .order_by(Event.series_ends_at, ascending=False)
            .first()
        )
        unstamped = await (
            Event.select(Event.ends_at)
            .where(
                Event.series_ends_at.is_null()
                & (Event.rrule.is_null() | (Event.rrule == ""))
                & (Event.ends_at < cutoff)
            )
            .order_by(Event.ends_at, ascending=False)
            .first()
        )
        ends = [
            _instant(series["series_ends_at"]) if series else None,
            _instant(unstamped["ends_at"]) if unstamped else None,
        ]
        newest = max((e for e in ends if e is not None), default=None)
        return None if newest is None else left_on(newest)


def left_on(ended: datetime) -> datetime:
    """The first day start whose window no longer holds an event that ended at `ended`."""
    day = utc_day_start(ended + ENDED_KEPT) - _DAY
    while not day - ENDED_KEPT > ended:
        day += _DAY
    return day
