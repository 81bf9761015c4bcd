"""The repeat rule as people set it (every week on Tuesday, 6 times) and its next dates.

The readable fields build an RFC 5545 RRULE; a rule they cannot express (BYSETPOS,
yearly...) stays editable as text. Checking the rule is the events service's job
(`normalise_rrule`, `check_schedule`); this only translates both ways.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from app.pages.coordinator.choices import FREQUENCIES, WEEKDAYS, label
from events.recurrence import (
    RecurrenceError,
    Schedule,
    normalise_rrule,
    occurrences,
    starts_between,
)

PREVIEWED = 6
_READABLE = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY"}


@dataclass
class Repeat:
    freq: str = ""  # "" = does not repeat
    interval: str = "1"
    count: str = ""
    until: str = ""  # a local date, YYYY-MM-DD
    byday: list[str] = field(default_factory=list)
    text: str = ""  # a rule the readable fields cannot hold

    def rrule(self, zone: str) -> str | None:
        if self.text.strip():
            return self.text.strip()
        if not self.freq:
            return None
        parts = [f"FREQ={self.freq}"]
        if self.interval.strip() not in {"", "1"}:
            parts.append(f"INTERVAL={self.interval.strip()}")
        if self.byday and self.freq == "WEEKLY":
            parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in self.byday))
        if self.count.strip():
            parts.append(f"COUNT={self.count.strip()}")
        elif self.until.strip():
            # The whole last day, in the event's zone, as UTC.
            try:
                day = datetime.fromisoformat(self.until.strip())
            except ValueError:
                raise RecurrenceError("until") from None
            end = day.replace(hour=23, minute=59, second=59, tzinfo=ZoneInfo(zone))
            parts.append("UNTIL=" + end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        return ";".join(parts)


def repeat_of(rule: str | None, zone: str) -> Repeat:
    """The readable fields of a stored rule, or the rule as text when they cannot hold it."""
    if not rule:
        return Repeat()
    parts = dict(piece.split("=", 1) for piece in rule.split(";") if "=" in piece)
    if (
        set(parts) - _READABLE
        or parts.get("FREQ") not in FREQUENCIES
        or (any(not d.isalpha() for d in parts.get("BYDAY", "").split(",") if d))
    ):
        return Repeat(text=rule)
    until = ""
    if "UNTIL" in parts:
        value = parts["UNTIL"]
        try:
            moment = datetime.strptime(value[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return Repeat(text=rule)
        until = moment.astimezone(ZoneInfo(zone)).date().isoformat()
    return Repeat(
        freq=parts["FREQ"],
        interval=parts.get("INTERVAL", "1"),
        count=parts.get("COUNT", ""),
        until=until,
        byday=[d for d in parts.get("BYDAY", "").split(",") if d],
    )


def describe(rule: str | None, zone: str, locale: str) -> str:
    """'每周二,共6次' / 'Weekly on Tue, 6 times'."""
    repeat = repeat_of(rule, zone)
    if not rule:
        return label(FREQUENCIES, "", locale)
    if repeat.text:
        return rule
    zh = locale == "zh_CN"
    every = label(FREQUENCIES, repeat.freq, locale)
    interval = repeat.interval if repeat.interval not in {"", "1"} else ""
    if interval:
        unit = {"DAILY": ("天", "days"), "WEEKLY": ("周", "weeks"), "MONTHLY": ("个月", "months")}
        every = (
            f"每{interval}{unit[repeat.freq][0]}"
            if zh
            else f"Every {interval} {unit[repeat.freq][1]}"
        )
    days = [label(WEEKDAYS, d, locale) for d in repeat.byday]
    text = every + (("(" + "、".join(days) + ")") if zh and days else "")
    if days and not zh:
        text += " on " + ", ".join(days)
    if repeat.count:
        text += f",共{repeat.count}次" if zh else f", {repeat.count} times"
    elif repeat.until:
        text += f",至{repeat.until}" if zh else f", until {repeat.until}"
    return text


def next_dates(
    starts_at: datetime,
    ends_at: datetime,
    zone: str,
    rule: str | None,
    locale: str,
    exdates: list[datetime] | None = None,
) -> list[str]:
    """The first few occurrences of the series (cancelled ones left out), as people write dates."""
    rrule = normalise_rrule(rule) if rule else None
    schedule = Schedule(
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        rrule=rrule,
        exdates=frozenset(x.astimezone(UTC) for x in exdates or []),
    )
    start = starts_at.astimezone(UTC)
    found: list[tuple[datetime, datetime]] = []
    horizon = timedelta(days=62)
    while len(found) < PREVIEWED and horizon <= timedelta(days=3 * 366):
        found = occurrences(schedule, start, start + horizon, limit=5000)
        horizon *= 3
    tz = ZoneInfo(zone)
    pattern = "y年M月d日 EEEE HH:mm" if locale == "zh_CN" else "EEE d MMM y, HH:mm"
    return [
        format_datetime(s.astimezone(tz), pattern, tzinfo=tz, locale=locale)
        for s, _ in found[:PREVIEWED]
    ]


SKIPPABLE = 12


@dataclass
class Skippable:
    """One coming start of a series, and whether it is cancelled (an exdate)."""

    value: str  # the start in UTC, ISO 8601, as the form sends it back
    text: str
    skipped: bool


def coming_starts(
    starts_at: datetime,
    ends_at: datetime,
    zone: str,
    rule: str,
    exdates: list[datetime],
    after: datetime,
    locale: str,
) -> tuple[list[Skippable], list[str]]:
    """The next starts of the series from `after` (cancelled ones included, marked), and the
    cancelled starts outside them, which the form keeps as they are."""
    schedule = Schedule(
        starts_at=starts_at, ends_at=ends_at, timezone=zone, rrule=normalise_rrule(rule)
    )
    start = max(starts_at.astimezone(UTC), after.astimezone(UTC))
    found: list[datetime] = []
    horizon = timedelta(days=62)
    while len(found) < SKIPPABLE and horizon <= timedelta(days=3 * 366):
        found = starts_between(schedule, start, start + horizon)
        horizon *= 3
    shown = found[:SKIPPABLE]
    cancelled = {x.astimezone(UTC) for x in exdates}
    tz = ZoneInfo(zone)
    pattern = "y年M月d日 EEEE HH:mm" if locale == "zh_CN" else "EEE d MMM y, HH:mm"
    items = [
        Skippable(
            value=s.isoformat(),
            text=format_datetime(s.astimezone(tz), pattern, tzinfo=tz, locale=locale),
            skipped=s in cancelled,
        )
        for s in shown
    ]
    kept = sorted(x.isoformat() for x in cancelled - set(shown))
    return items, kept
