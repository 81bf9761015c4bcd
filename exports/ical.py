"""iCalendar text of feeds, written line by line by the icalendar library.

Every user value goes through an icalendar value type (vText escapes `,;\\`
and newlines; vUri refuses CR/LF), so no title can start a new property or
component. A feed is assembled from VEVENTs serialised once per event change
(`event_bytes`), which keeps a rebuild after one edit cheap.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, vDuration, vRecur, vText, vUri
from icalendar import Event as VEvent

from core.home_zone import HOME_ZONE_NAME
from exports.vtimezone import vtimezone_or_fallback

PRODID = "-//Fangzha//Anti-fraud education events//ZH"
DEFAULT_TIMEZONE = HOME_ZONE_NAME
# How often clients should poll: short enough that a cancelled lecture vanishes
# the same morning, cheap for us because unchanged polls are answered from cache.
REFRESH_INTERVAL = timedelta(hours=1)
_UTC_ZONES = {"UTC", "Etc/UTC", "Etc/UCT", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu", "UCT"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STATUS = {"cancelled": "CANCELLED", "scheduled": "CONFIRMED", "completed": "CONFIRMED"}
# Reminders a subscriber gets when the feed URL asks for them (alarms=1).
REMINDERS_BEFORE = (timedelta(days=1), timedelta(hours=1))


@dataclass(frozen=True)
class CalendarEvent:
    """What a feed shows of one event; built from a database row by the feed service."""

    id: int
    uid: str
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    rrule: str | None
    exdates: str  # JSON list of ISO 8601 UTC instants
    venue_name: str
    venue_address: str
    description: str
    status: str
    sequence: int
    created_at: datetime
    updated_at: datetime
    campaign_theme: str | None
    visibility: str = "public"


class Text(vText):
    """vText with RFC 5545 escaping only.

    icalendar's escaping first rewrites a literal backslash-N to backslash-n,
    so "C:\\New" would come back as "C:\\new"; this escapes exactly `\\ ; ,`
    and newlines, in that order.
    """

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return escaped.encode("utf-8")


def clean_text(value: str) -> str:
    """User text as a TEXT value may hold it: control characters other than newlines removed."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_uri(value: str) -> str:
    """A URI without CR, LF or other control characters (they would end the line)."""
    return _CONTROL.sub("", value).replace("\r", "").replace("\n", "")


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return _as_utc(moment).astimezone(zone)


def _exdates(text: str, zone: ZoneInfo) -> list[datetime]:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return []
    result: list[datetime] = []
    for value in values if isinstance(values, list) else []:
        try:
            result.append(_local(datetime.fromisoformat(str(value)), zone))
        except ValueError:
            continue
    return sorted(set(result))


def _rrule(text: str, zone: ZoneInfo) -> vRecur:
    rule = vRecur.from_ical(text.strip().removeprefix("RRULE:"))
    until = rule.get("UNTIL")
    if until:
        # RFC 5545: with a zoned DTSTART, UNTIL must be a UTC DATE-TIME.
        value = until[0]
        if isinstance(value, datetime):
            moment = value.replace(tzinfo=zone) if value.tzinfo is None else value
        else:
            moment = datetime.combine(value, time(23, 59, 59), tzinfo=zone)
        rule["UNTIL"] = [_as_utc(moment)]
    return rule


def _rrule_or_none(text: str | None, zone: ZoneInfo) -> vRecur | None:
    # The events service validates rules; a row it did not write (an old import,
    # a hand edit) must still not break the whole feed, so it shows its first date.
    if not text:
        return None
    try:
        return _rrule(text, zone)
    except (ValueError, TypeError, IndexError):
        return None


def reminder(event: CalendarEvent, before: timedelta) -> Alarm:
    """A VALARM that shows the event's title `before` it starts."""
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", Text(clean_text(event.title)))
    alarm.add("TRIGGER", -before)
    return alarm


def event_component(event: CalendarEvent, base_url: str, alarms: bool = False) -> VEvent:
    """The VEVENT of one event, with every property the SPEC asks for.

    With `alarms`, it carries the reminders of REMINDERS_BEFORE, unless it is
    cancelled: nobody should be called to a lecture that will not happen.
    """
    zone = zone_of(event.timezone)
    component = VEvent()
    component.add("UID", Text(clean_text(event.uid)))
    component.add("DTSTAMP", _as_utc(event.updated_at))
    component.add("CREATED", _as_utc(event.created_at))
    component.add("LAST-MODIFIED", _as_utc(event.updated_at))
    component.add("SEQUENCE", event.sequence)
    component.add("DTSTART", _local(event.starts_at, zone))
    component.add("DTEND", _local(event.ends_at, zone))
    rule = _rrule_or_none(event.rrule, zone)
    if rule is not None:
        component.add("RRULE", rule)
        exdates = _exdates(event.exdates, zone)
        if exdates:
            component.add("EXDATE", exdates)
    component.add("SUMMARY", Text(clean_text(event.title)))
    location = ", ".join(p for p in (event.venue_name.strip(), event.venue_address.strip()) if p)
    if location:
        component.add("LOCATION", Text(clean_text(location)))
    component.add("DESCRIPTION", Text(clean_text(event.description)))
    component.add("URL", vUri(clean_uri(f"{base_url}/events/{event.id}")))
    categories = [event.kind] + ([event.campaign_theme] if event.campaign_theme else [])
    component.add("CATEGORIES", [clean_text(c) for c in categories])
    component.add("STATUS", _STATUS.get(event.status, "CONFIRMED"))
    component.add("TRANSP", "OPAQUE")
    # Internal events reach only private feeds; a shared calendar should not show them.
    component.add("CLASS", "PUBLIC" if event.visibility == "public" else "PRIVATE")
    if alarms and event.status != "cancelled":
        for before in REMINDERS_BEFORE:
            component.add_component(reminder(event, before))
    return component


def event_bytes(event: CalendarEvent, base_url: str, alarms: bool = False) -> bytes:
    """One VEVENT, folded and CRLF-terminated, ready to be spliced into a feed."""
    return bytes(event_component(event, base_url, alarms).to_ical())


def zones_used(events: Iterable[CalendarEvent]) -> list[str]:
    """IANA zones that need a VTIMEZONE; UTC times are written with `Z` instead."""
    names = {zone_of(e.timezone).key for e in events}
    return sorted(names - _UTC_ZONES)


def calendar_shell(name: str, description: str, zones: Iterable[str]) -> Calendar:
    """The VCALENDAR with its properties and one VTIMEZONE per zone, without events."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    # icalendar 7 writes these untyped: only vText escapes a newline in a name.
    # A calendar name is one line in every app; several readers keep these raw.
    title = " ".join(clean_text(name).split())
    calendar["NAME"] = Text(title)
    calendar["X-WR-CALNAME"] = Text(title)
    calendar["X-WR-CALDESC"] = Text(clean_text(description))
    calendar["DESCRIPTION"] = Text(clean_text(description))
    calendar["X-WR-TIMEZONE"] = Text(DEFAULT_TIMEZONE)
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH_INTERVAL, params={"VALUE": "DURATION"}))
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    for zone in zones:
        calendar.add_component(vtimezone_or_fallback(zone))
    return calendar


def assemble(shell: Calendar, vevents: Iterable[bytes]) -> bytes:
    """The shell's lines with the pre-serialised VEVENTs before its closing line.

    Both parts come out of icalendar; splicing them saves re-serialising every
    event of a feed when one of them changes.
    """
    text = bytes(shell.to_ical())
    closing = bytes(Calendar().to_ical()).split(b"\r\n")[-2] + b"\r\n"  # "END:VCALENDAR"
    assert text.endswith(closing)
    return text[: -len(closing)] + b"".join(vevents) + closing


def calendar_bytes(
    name: str, description: str, events: list[CalendarEvent], base_url: str
) -> bytes:
    """A whole feed, serialised without any cache (the benchmark's reference)."""
    shell = calendar_shell(name, description, zones_used(events))
    for event in events:
        shell.add_component(event_component(event, base_url))
    return bytes(shell.to_ical())


def utc_day_start(moment: datetime) -> datetime:
    day: date = _as_utc(moment).date()
    return datetime.combine(day, time(0), tzinfo=UTC)
