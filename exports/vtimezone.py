"""VTIMEZONE components that Outlook, Apple, Google and ical.js all accept.

icalendar's `add_missing_timezones()` lists every past transition as RDATEs,
which Outlook ignores for zones with daylight saving. Calendar clients expect
what libical's vzic writes: one STANDARD and one DAYLIGHT observance, each
repeating by RRULE. Those rules are the zone's current ones, which the TZif
file of the IANA database carries in its footer as a POSIX TZ string
("CET-1CEST,M3.5.0,M10.5.0/3"); we translate that string.
"""

import importlib.resources
import os
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_FIRST_YEAR = datetime(1970, 1, 1)
_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_DAY = 86_400

_NAME = r"(?:[A-Za-z]{3,}|<[^>]+>)"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}(?::\d{2})?)?"
_RULE = r"M(\d{1,2})\.(\d)\.(\d)(?:/(" + _OFFSET + r"))?"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<std_off>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dst_off>{_OFFSET})?,(?P<start>{_RULE}),(?P<end>{_RULE}))?$"
)
_RULE_RE = re.compile(rf"^{_RULE}$")


class UnsupportedZoneRuleError(ValueError):
    """The zone's POSIX rule uses a form we do not translate (Julian days)."""


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _tzif_bytes(key: str) -> bytes:
    # Same search order as zoneinfo itself: the system database, then tzdata.
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, key)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                return handle.read()
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*key.split("/"))
    return resource.read_bytes()


def posix_rule(key: str) -> str:
    """The current rule of an IANA zone, as the POSIX TZ string in its TZif footer."""
    zoneinfo.ZoneInfo(key)  # refuses unknown keys and path tricks
    data = _tzif_bytes(key)
    if not data.startswith(b"TZif") or data[4:5] < b"2" or not data.endswith(b"\n"):
        raise UnsupportedZoneRuleError(f"{key}: no version 2+ TZif footer")
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")


@dataclass(frozen=True)
class _Transition:
    rrule: str
    local_time: int  # seconds after local midnight of the rule's day


def _transition(match: re.Match[str]) -> _Transition:
    month, week, weekday = int(match[1]), int(match[2]), int(match[3])
    at = _seconds(match[4]) if match[4] else 2 * 3600
    shift, local_time = divmod(at, _DAY)
    if shift == 0:
        ordinal = -1 if week == 5 else week
        return _Transition(f"FREQ=YEARLY;BYMONTH={month};BYDAY={ordinal}{_WEEKDAYS[weekday]}", at)
    # A time outside 0–24h (Israel's "M3.4.4/26") moves the change to another
    # weekday: express the week as explicit month days of that weekday.
    first = -7 + shift if week == 5 else 7 * (week - 1) + 1 + shift
    days = list(range(first, first + 7))
    shortest = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    allowed = range(-shortest, 0) if week == 5 else range(1, shortest + 1)
    if not all(d in allowed for d in days):
        raise UnsupportedZoneRuleError(match[0])
    byday = _WEEKDAYS[(weekday + shift) % 7]
    monthdays = ",".join(str(d) for d in days)
    return _Transition(
        f"FREQ=YEARLY;BYMONTH={month};BYDAY={byday};BYMONTHDAY={monthdays}", local_time
    )


def _first_onset(transition: _Transition) -> datetime:
    start = _FIRST_YEAR + timedelta(seconds=transition.local_time)
    first: datetime = rrulestr(transition.rrule, dtstart=start)[0]
    return first


def _observance(
    kind: type[TimezoneStandard] | type[TimezoneDaylight],
    name: str,
    offset_from: int,
    offset_to: int,
    transition: _Transition | None,
) -> TimezoneStandard | TimezoneDaylight:
    part = kind()
    part.add("DTSTART", _FIRST_YEAR if transition is None else _first_onset(transition))
    part.add("TZOFFSETFROM", timedelta(seconds=offset_from))
    part.add("TZOFFSETTO", timedelta(seconds=offset_to))
    if transition is not None:
        part.add("RRULE", vRecur.from_ical(transition.rrule))
    part.add("TZNAME", name.strip("<>"))
    return part


@lru_cache(maxsize=64)
def vtimezone(key: str) -> Timezone:
    """A VTIMEZONE for an IANA zone: RRULE observances, or one STANDARD without DST."""
    rule = posix_rule(key)
    match = _POSIX.match(rule)
    if match is None:
        raise UnsupportedZoneRuleError(f"{key}: {rule}")
    # POSIX offsets count west of Greenwich; iCalendar's count east.
    standard = -_seconds(match["std_off"])
    component = Timezone()
    component.add("TZID", key)
    component.add("X-LIC-LOCATION", key)
    if match["dst"] is None:
        component.add_component(
            _observance(TimezoneStandard, match["std"], standard, standard, None)
        )
        return component
    daylight = -_seconds(match["dst_off"]) if match["dst_off"] else standard + 3600
    start = _RULE_RE.match(match["start"])
    end = _RULE_RE.match(match["end"])
    assert start is not None
    assert end is not None
    component.add_component(
        _observance(TimezoneDaylight, match["dst"], standard, daylight, _transition(start))
    )
    component.add_component(
        _observance(TimezoneStandard, match["std"], daylight, standard, _transition(end))
    )
    return component


def vtimezone_or_fallback(key: str) -> Timezone:
    """Like `vtimezone`, falling back to icalendar's RDATE list for exotic rules."""
    try:
        return vtimezone(key)
    except (UnsupportedZoneRuleError, OSError, ValueError):
        return Timezone.from_tzid(key)
