"""What the public pages say about dates: an event's next dates, its repeat rule in
words ("每周二"), and the weeks of a month view. All in the event's own zone."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events.recurrence import local_iso
from events.schemas import EventOut, OccurrenceOut
from events.tables import Occurrence

_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_ZH_DAYS = "一二三四五六日"
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_ORDINAL = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", -1: "最后一个"}
_EN_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ZH_COUNT = {2: "两", 3: "三", 4: "四"}


def _rule_parts(rrule: str) -> dict[str, str]:
    parts = {}
    for item in rrule.split(";"):
        name, _, value = item.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def _days(parts: dict[str, str], first: datetime) -> list[tuple[int, int]]:
    """(ordinal, weekday) pairs of BYDAY, or the first start's weekday; ordinal 0 = every."""
    found = []
    for item in filter(None, parts.get("BYDAY", "").split(",")):
        code, number = item[-2:], item[:-2]
        if code in _WEEKDAYS:
            found.append((int(number) if number.lstrip("+-").isdigit() else 0, _WEEKDAYS[code]))
    return found or [(0, first.weekday())]


def repeat_words(event: EventOut, locale: str) -> str:
    """The event's repeat rule in words, or "" for a one-off event."""
    if not event.rrule:
        return ""
    first = datetime.fromisoformat(event.starts_at).astimezone(ZoneInfo(event.timezone))
    return rule_words(event.rrule, first, locale)


def rule_words(rrule: str, first: datetime, locale: str) -> str:
    """A repeat rule as a poster would say it: 每周二, 每两周的周四, 每月第一个周二, 每天.

    `first` is the first start in the event's zone: a rule without BYDAY repeats on its day.
    """
    parts = _rule_parts(rrule)
    interval_text = parts.get("INTERVAL", "1")
    interval = int(interval_text) if interval_text.isdigit() and int(interval_text) > 0 else 1
    freq = parts.get("FREQ", "")
    zh = locale == "zh_CN"
    if freq == "DAILY":
        if interval == 1:
            return "每天" if zh else "every day"
        return f"每{interval}天" if zh else f"every {interval} days"
    if freq == "WEEKLY":
        days = [day for _, day in _days(parts, first)]
        if zh:
            named = "、".join(f"周{_ZH_DAYS[d]}" for d in days)
            if interval == 1:
                return "每" + named
            return f"每{_ZH_COUNT.get(interval, str(interval))}周的{named}"
        names = " and ".join(_EN_DAYS[d] for d in days)
        return f"every {names}" if interval == 1 else f"every {interval} weeks on {names}"
    if freq == "MONTHLY":
        nth = [(n, d) for n, d in _days(parts, first) if n] if "BYDAY" in parts else []
        if nth:
            n, d = nth[0]
            if zh:
                return f"每月{_ZH_ORDINAL.get(n, f'第{n}个')}周{_ZH_DAYS[d]}"
            return f"every month on the {_EN_ORDINAL.get(n, str(n))} {_EN_DAYS[d]}"
        day = parts.get("BYMONTHDAY", str(first.day)).split(",")[0]
        return f"每月{day}日" if zh else f"every month on day {day}"
    if freq == "YEARLY":
        return f"每年{first.month}月{first.day}日" if zh else "every year"
    return "定期举行" if zh else "repeats"


@dataclass
class Listed:
    """An event on a public list: its details and its next (or, for the past, last) dates."""

    event: EventOut
    starts: list[OccurrenceOut] = field(default_factory=list)

    @property
    def next(self) -> OccurrenceOut | None:
        return self.starts[0] if self.starts else None


def listed(events: list[EventOut], occurrences: list[OccurrenceOut]) -> list[Listed]:
    """Events with their occurrences in the window, ordered by the first of those."""
    by_id = {e.id: Listed(e) for e in events}
    for occurrence in occurrences:
        entry = by_id.get(occurrence.event_id)
        if entry is not None:
            entry.starts.append(occurrence)
    shown = [entry for entry in by_id.values() if entry.starts]
    shown.sort(key=lambda entry: (entry.starts[0].starts_at, entry.event.id))
    return shown


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    occurrences: list[OccurrenceOut]


def month_weeks(year: int, month: int, occurrences: list[OccurrenceOut]) -> list[list[Day]]:
    """Weeks (Monday first, as Chinese calendars print them) with each day's occurrences."""
    by_day: dict[date, list[OccurrenceOut]] = {}
    for occurrence in occurrences:
        local = datetime.fromisoformat(occurrence.starts_at)
        by_day.setdefault(local.date(), []).append(occurrence)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=zone)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


@dataclass(frozen=True)
class Slot:
    """One date of an event, in its own zone."""

    starts_at: str
    ends_at: str
    timezone: str


async def next_slots(event: EventOut, now: datetime, limit: int) -> list[Slot]:
    """The event's next dates (not yet ended); cancelled dates have no occurrence rows."""
    if event.status == "cancelled":
        return []
    rows = (
        await Occurrence.select(Occurrence.starts_at, Occurrence.ends_at)
        .where(Occurrence.event == event.id, Occurrence.ends_at > now)
        .order_by(Occurrence.starts_at)
        .limit(limit)
    )
    zone = event.timezone
    return [
        Slot(local_iso(r["starts_at"], zone), local_iso(r["ends_at"], zone), zone) for r in rows
    ]
