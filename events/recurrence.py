"""RRULE values: validation, and expansion into occurrences in the event's own time zone.

Rules are expanded on local wall-clock time (a Europe/Berlin 10:00 lecture stays
at 10:00 across the change to summer time) and only then turned into UTC
instants. Every expansion is bounded by a horizon, so a rule without an end
cannot make the server iterate for ever.
"""

import calendar
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from core.errors import DomainError
from core.home_zone import HOME_ZONE_NAME

MAX_COUNT = 1000
MAX_INTERVAL = 1000
MAX_OCCURRENCES = 5000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# ASCII digits only: str.isdigit() also says yes to "²" and "٣", which int() refuses or
# reads in ways no calendar client would.
_NUMBER = re.compile(r"[0-9]{1,4}")
_SIGNED = re.compile(r"[+-]?([0-9]{1,3})")
_DAY = re.compile(r"[+-]?([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
# Areas of the tz database whose zones are places. The rest (Etc/GMT+8, EST5EDT,
# Factory, localtime, posixrules, posix/…, right/…) are offsets with inverted
# signs, system files or placeholders: a calendar client reads them differently,
# or not at all.
_PLACE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


# UTC is the one zone without a place that an event may have: it means the same
# to every calendar client. These are its other names (an .ics may use them).
UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"}
)


class RecurrenceError(DomainError):
    """A rule, zone or date a coordinator has to correct; the message says how."""


def zone_of(name: str) -> ZoneInfo:
    """Any zone the tz database knows, for reading what is stored."""
    try:
        if not name or name != name.strip() or ".." in name or name.startswith("/"):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise RecurrenceError(
            '"{name}" is not a time zone name; use an IANA name such as "Asia/Shanghai".',
            name=name[:64],
        ) from exc


def check_zone(name: str) -> ZoneInfo:
    """The zone of a place (Asia/Shanghai, Europe/Berlin) or UTC, for anything written."""
    zone = zone_of(name)
    if name != "UTC" and ("/" not in name or name.split("/", 1)[0] not in _PLACE_AREAS):
        raise RecurrenceError(
            '"{name}" is not the time zone of a place; use the IANA name of a place such as '
            '"Asia/Shanghai" (or "UTC").',
            name=name[:64],
        )
    return zone


def normalise_rrule(value: str) -> str:
    """The bare RRULE value in canonical form, or RecurrenceError saying what is wrong."""
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        raise RecurrenceError("The repeat rule is empty; leave rrule out for a one-off event.")
    if any(ch in text for ch in "\r\n:") or "DTSTART" in text.upper():
        raise RecurrenceError(
            "rrule takes only the RRULE value, e.g. FREQ=WEEKLY;COUNT=6; the start comes "
            "from starts_at."
        )
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        name, sep, part = piece.partition("=")
        name = name.strip().upper()
        part = part.strip().upper()
        if not sep or not name or not part:
            raise RecurrenceError(
                '"{piece}" in the repeat rule is not NAME=VALUE.', piece=piece[:40]
            )
        if name in {"BYHOUR", "BYMINUTE", "BYSECOND"}:
            raise RecurrenceError(
                "{name} is not supported: occurrences start at starts_at's time.", name=name
            )
        if name in {"BYYEARDAY", "BYWEEKNO"}:
            raise RecurrenceError(
                "{name} is not supported; use BYMONTH, BYMONTHDAY or BYDAY.", name=name
            )
        if name not in _PARTS:
            raise RecurrenceError(
                '"{name}" is not a part of a repeat rule (RFC 5545).', name=name[:20]
            )
        if name in parts:
            raise RecurrenceError("{name} appears twice in the repeat rule.", name=name)
        parts[name] = part
    if parts.get("FREQ") not in _FREQUENCIES:
        raise RecurrenceError("The repeat rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("A repeat rule may have COUNT or UNTIL, not both.")
    _check_int(parts, "COUNT", MAX_COUNT)
    _check_int(parts, "INTERVAL", MAX_INTERVAL)
    _check_lists(parts)
    if "UNTIL" in parts:
        _parse_until(parts["UNTIL"], ZoneInfo("UTC"))
    if parts["FREQ"] in {"DAILY", "WEEKLY"} and (
        "BYSETPOS" in parts or any(not d.isalpha() for d in parts.get("BYDAY", "").split(",") if d)
    ):
        raise RecurrenceError("BYSETPOS and numbered days such as 2TU need FREQ=MONTHLY or YEARLY.")
    canonical = ";".join(f"{k}={v}" for k, v in parts.items())
    _parse_rule(
        ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL"), datetime(2025, 1, 1)
    )
    return canonical


def _check_int(parts: dict[str, str], name: str, largest: int) -> None:
    value = parts.get(name)
    if value is not None and not (_NUMBER.fullmatch(value) and 1 <= int(value) <= largest):
        raise RecurrenceError(
            "{name} must be a whole number from 1 to {largest}.", name=name, largest=largest
        )


def _signed_within(item: str, largest: int) -> bool:
    match = _SIGNED.fullmatch(item)
    return match is not None and 1 <= int(match.group(1)) <= largest


def _day_within(item: str, largest: int) -> bool:
    match = _DAY.fullmatch(item)
    return match is not None and (match.group(1) is None or 1 <= int(match.group(1)) <= largest)


def _check_lists(parts: dict[str, str]) -> None:
    """Every BY… number within the range RFC 5545 gives it; dateutil crashes beyond."""
    # Numbered days count within the month for MONTHLY (and YEARLY with BYMONTH), else the year.
    in_month = parts["FREQ"] == "MONTHLY" or "BYMONTH" in parts
    day_limit = 5 if in_month else 53
    for name, value in parts.items():
        items = value.split(",")
        if name == "BYDAY" and not all(_day_within(i, day_limit) for i in items):
            raise RecurrenceError(
                "BYDAY={value} is not valid: list the days as MO, TU, WE, TH, FR, SA or SU, "
                "numbered (if at all) from 1 to {day_limit} or from -1 to -{day_limit}, e.g. 2TU "
                "or -1FR.",
                value=value[:40],
                day_limit=day_limit,
            )
        if name == "BYMONTHDAY" and not all(_signed_within(i, 31) for i in items):
            raise RecurrenceError(
                "BYMONTHDAY={value} is not valid: list days of the month from 1 to 31, or from "
                "-1 to -31 to count from the end of the month.",
                value=value[:40],
            )
        if name == "BYMONTH" and not all(_NUMBER.fullmatch(i) and 1 <= int(i) <= 12 for i in items):
            raise RecurrenceError(
                "BYMONTH={value} is not valid: list months as numbers from 1 to 12.",
                value=value[:40],
            )
        if name == "BYSETPOS" and not all(_signed_within(i, 366) for i in items):
            raise RecurrenceError(
                "BYSETPOS={value} is not valid: list positions from 1 to 366, or from -1 to -366 "
                "to count from the end.",
                value=value[:40],
            )
        if name == "WKST" and value not in _WEEKDAYS:
            raise RecurrenceError(
                "WKST={value} is not valid: the week starts on MO, TU, WE, TH, FR, SA or SU.",
                value=value[:40],
            )


def _parse_until(value: str, tz: ZoneInfo) -> datetime:
    """UNTIL as a local wall-clock time in the event's zone (naive)."""
    try:
        if len(value) == 8:
            day = datetime.strptime(value, "%Y%m%d")
            return day.replace(hour=23, minute=59, second=59)
        if value.endswith("Z"):
            instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return instant.astimezone(tz).replace(tzinfo=None)
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError as exc:
        raise RecurrenceError(
            'UNTIL="{value}" is not a date (20250630) or a UTC time (20250630T160000Z).',
            value=value[:20],
        ) from exc


def _parse_rule(body: str, local_start: datetime) -> rrule:
    try:
        rule = rrulestr(body, dtstart=local_start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise RecurrenceError("The repeat rule is not valid: {exc}.", exc=exc) from exc
    if not isinstance(rule, rrule):
        raise RecurrenceError("The repeat rule is not valid.")
    return rule


@dataclass(frozen=True)
class Schedule:
    """When an event happens: its first occurrence, zone, rule and cancelled starts."""

    starts_at: datetime
    ends_at: datetime
    timezone: str = HOME_ZONE_NAME
    rrule: str | None = None
    exdates: frozenset[datetime] = field(default_factory=frozenset)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class _Rule:
    """A schedule's rule without COUNT/UNTIL, which the iteration applies itself."""

    def __init__(self, schedule: Schedule) -> None:
        assert schedule.rrule
        self.tz = zone_of(schedule.timezone)
        self.local_start = schedule.starts_at.astimezone(self.tz).replace(tzinfo=None)
        parts = dict(p.split("=", 1) for p in normalise_rrule(schedule.rrule).split(";"))
        count = parts.pop("COUNT", None)
        until = parts.pop("UNTIL", None)
        self.count = int(count) if count else None
        self.until = _parse_until(until, self.tz) if until else None
        self.parts = parts
        body = ";".join(f"{k}={v}" for k, v in parts.items())
        self.rule = _parse_rule(body, self.local_start)

    def starts(self, horizon: datetime) -> Iterator[datetime]:
        """UTC starts from the first up to `horizon` (inclusive), exdates not removed."""
        # A day of margin covers any offset between the zone and UTC.
        cap = horizon.astimezone(self.tz).replace(tzinfo=None) + timedelta(days=1)
        stop = min(cap, self.until) if self.until else cap
        if stop < self.local_start:
            stop = self.local_start
        bounded = self.rule.replace(until=stop)
        produced = 0
        first = True
        for local in bounded:
            if first and local != self.local_start:
                # RFC 5545: DTSTART is always the first instance.
                yield from self._emit(self.local_start, horizon)
                produced += 1
            first = False
            if self.count is not None and produced >= self.count:
                return
            instant = local.replace(tzinfo=self.tz).astimezone(UTC)
            if instant > horizon:
                return
            yield instant
            produced += 1
        if first:
            yield from self._emit(self.local_start, horizon)

    def _emit(self, local: datetime, horizon: datetime) -> Iterator[datetime]:
        instant = local.replace(tzinfo=self.tz).astimezone(UTC)
        if instant <= horizon:
            yield instant

    def starts_between(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """UTC starts in [start, end), exdates not removed, at a cost that does not grow
        with the series' age: a rule without COUNT is restarted at the beginning of the
        period (day, week, month, year) that holds `start`. A COUNT rule has at most
        MAX_COUNT occurrences and is walked from its first."""
        restarted = self._restarted_before(start) if self.count is None else None
        if restarted is None:
            for instant in self.starts(end):
                if instant >= end:
                    return
                if instant >= start:
                    yield instant
            return
        cap = end.astimezone(self.tz).replace(tzinfo=None) + timedelta(days=1)
        stop = min(cap, self.until) if self.until else cap
        for local in restarted.replace(until=stop):
            instant = local.replace(tzinfo=self.tz).astimezone(UTC)
            if instant >= end:
                return
            if instant >= start:
                yield instant

    def _restarted_before(self, start: datetime) -> rrule | None:
        """The rule restarted at a period boundary on or before `start` (local time).

        Periods are counted in whole INTERVALs from the first start, so the restarted
        rule yields exactly the series' starts from that boundary on. The parts that
        dateutil would fill in from DTSTART (the weekday, the day of the month, the
        month) are spelt out, since the new start would imply different ones. None
        when `start` lies in the first interval: the plain iteration is as cheap.
        """
        first = self.local_start
        target = start.astimezone(self.tz).replace(tzinfo=None) - timedelta(days=1)
        every = int(self.parts.get("INTERVAL", "1"))
        freq = self.parts["FREQ"]
        at = first.time()
        if freq == "DAILY":
            steps = (target.date() - first.date()).days // every
            anchor = first + timedelta(days=steps * every)
        elif freq == "WEEKLY":
            week_start = _WEEKDAYS.index(self.parts.get("WKST", "MO"))
            week = first.date() - timedelta(days=(first.weekday() - week_start) % 7)
            steps = (target.date() - week).days // (7 * every)
            anchor = datetime.combine(week + timedelta(weeks=steps * every), at)
        elif freq == "MONTHLY":
            months = (target.year - first.year) * 12 + target.month - first.month
            steps = months // every
            index = first.year * 12 + first.month - 1 + steps * every
            anchor = datetime.combine(date(index // 12, index % 12 + 1, 1), at)
        else:
            steps = (target.year - first.year) // every
            anchor = datetime.combine(date(first.year + steps * every, 1, 1), at)
        if steps <= 0:
            return None
        return _parse_rule(";".join(f"{k}={v}" for k, v in self._explicit().items()), anchor)

    def _explicit(self) -> dict[str, str]:
        """The rule's parts with dateutil's DTSTART-derived defaults written out."""
        parts = dict(self.parts)
        first = self.local_start
        if "BYDAY" not in parts and "BYMONTHDAY" not in parts:
            if parts["FREQ"] == "WEEKLY":
                parts["BYDAY"] = _WEEKDAYS[first.weekday()]
            elif parts["FREQ"] == "MONTHLY":
                parts["BYMONTHDAY"] = str(first.day)
            elif parts["FREQ"] == "YEARLY":
                parts.setdefault("BYMONTH", str(first.month))
                parts["BYMONTHDAY"] = str(first.day)
        return parts


class TooManyOccurrencesError(RecurrenceError):
    pass


def occurrences(
    schedule: Schedule, start: datetime, end: datetime, limit: int = MAX_OCCURRENCES
) -> list[tuple[datetime, datetime]]:
    """(start, end) UTC pairs of the occurrences overlapping [start, end), exdates removed.

    The cost grows with the window, not with how long ago the series began.
    """
    duration = schedule.duration
    if not schedule.rrule:
        first = schedule.starts_at.astimezone(UTC)
        if first < end and first + duration > start and first not in schedule.exdates:
            return [(first, first + duration)]
        return []
    found: list[tuple[datetime, datetime]] = []
    for instant in _Rule(schedule).starts_between(start - duration, end):
        if instant + duration <= start or instant in schedule.exdates:
            continue
        if len(found) >= limit:
            raise TooManyOccurrencesError(
                "More than {limit} occurrences fall in this window; choose a shorter one.",
                limit=limit,
            )
        found.append((instant, instant + duration))
    return found


def starts_between(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Starts of the series in [start, end) (ignoring exdates), without walking from the first."""
    if not schedule.rrule:
        first = schedule.starts_at.astimezone(UTC)
        return [first] if start <= first < end else []
    return list(_Rule(schedule).starts_between(start, end))


def is_occurrence(schedule: Schedule, instant: datetime) -> bool:
    """Whether `instant` is a start of the series (ignoring exdates)."""
    target = instant.astimezone(UTC)
    return target in starts_between(schedule, target, target + timedelta(microseconds=1))


class _StartsUntil:
    """The starts of a series up to a horizon, asked one at a time."""

    def __init__(self, schedule: Schedule, horizon: datetime) -> None:
        self.schedule = schedule
        self.horizon = horizon.astimezone(UTC)

    def __contains__(self, instant: object) -> bool:
        if not isinstance(instant, datetime):
            return False
        target = instant.astimezone(UTC)
        return target <= self.horizon and is_occurrence(self.schedule, target)


def starts_until(schedule: Schedule, horizon: datetime) -> Container[datetime]:
    """Every start of the series up to `horizon` (ignoring exdates), for membership tests.

    Each test expands the series around the instant asked about only, so checking a
    cancelled start years into an old series stays cheap.
    """
    return _StartsUntil(schedule, horizon)


def first_start_matches(schedule: Schedule) -> bool:
    """Whether the rule itself produces starts_at, as RFC 5545 expects.

    Checked by hand for plain filters: dateutil searches up to the year 9999
    for a rule that never matches, which takes a noticeable fraction of a second.
    """
    if not schedule.rrule:
        return True
    parsed = _Rule(schedule)
    parts = dict(p.split("=", 1) for p in normalise_rrule(schedule.rrule).split(";"))
    day = parsed.local_start
    if "BYMONTH" in parts and day.month not in {int(m) for m in parts["BYMONTH"].split(",")}:
        return False
    if "BYMONTHDAY" in parts:
        last = calendar.monthrange(day.year, day.month)[1]
        wanted = {int(d) for d in parts["BYMONTHDAY"].split(",")}
        if day.day not in wanted and day.day - last - 1 not in wanted:
            return False
    weekdays = parts.get("BYDAY", "")
    if "BYSETPOS" not in parts and all(d.isalpha() for d in weekdays.split(",") if d):
        return not weekdays or _WEEKDAYS[day.weekday()] in weekdays.split(",")
    only_first = parsed.rule.replace(until=parsed.local_start)
    return list(only_first)[:1] == [parsed.local_start]


def check_schedule(schedule: Schedule) -> None:
    """RecurrenceError unless the zone, the rule and the first start fit together."""
    check_zone(schedule.timezone)
    if schedule.rrule and not first_start_matches(schedule):
        local = schedule.starts_at.astimezone(zone_of(schedule.timezone))
        raise RecurrenceError(
            "starts_at ({local:%Y-%m-%d %H:%M}, {weekday}) is not an occurrence of {rrule}; the "
            "first occurrence must be starts_at.",
            local=local,
            weekday=_WEEKDAYS[local.weekday()],
            rrule=schedule.rrule,
        )


def series_ends_at(
    starts_at: datetime, ends_at: datetime, timezone: str, rule: str | None
) -> datetime | None:
    """When the last occurrence ends; None for a rule without COUNT or UNTIL."""
    if not rule:
        return ends_at.astimezone(UTC)
    schedule = Schedule(starts_at, ends_at, timezone, rule)
    parsed = _Rule(schedule)
    if parsed.count is None and parsed.until is None:
        return None
    last = starts_at.astimezone(UTC)
    if parsed.until is not None and parsed.count is None:
        # The last start lies within a couple of periods before UNTIL; a rule whose
        # last gap is longer (29 February, every fifth year) is walked from the first.
        end = parsed.until.replace(tzinfo=parsed.tz).astimezone(UTC) + timedelta(days=2)
        gap = _longest_gap(parsed.parts)
        tail = starts_between(schedule, last if end - last <= gap else end - gap, end)
        if tail:
            return tail[-1] + schedule.duration
    for last in parsed.starts(LATEST):  # noqa: B007 - only the last one matters
        pass
    return last + schedule.duration


def _longest_gap(parts: dict[str, str]) -> timedelta:
    unit = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}[parts["FREQ"]]
    return timedelta(days=2 * unit * int(parts.get("INTERVAL", "1")) + 2)


def utc_instant(value: datetime, name: str) -> datetime:
    """`value` in UTC, or RecurrenceError when it lies outside the years 2000–2099."""
    try:
        instant = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise RecurrenceError("{name} is out of range.", name=name) from exc
    if not EARLIEST <= instant < LATEST:
        raise RecurrenceError("{name} must be between the years 2000 and 2099.", name=name)
    return instant


def local_iso(instant: datetime, timezone: str) -> str:
    """ISO 8601 with the offset of the event's own zone."""
    return instant.astimezone(zone_of(timezone)).isoformat()
