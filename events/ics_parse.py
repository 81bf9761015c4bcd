"""Reading an .ics file into the events it holds, with each unreadable event named.

Reading only: whether an event may be stored (its years, duration, repeat
rule) is decided by the same rules as `POST /api/events` when it is stored.
A fault of the whole file (not text, not iCalendar, broken lines) is a 422;
a fault of one event is kept as that event's error, so that every problem
of a file is reported at once.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args
from zoneinfo import ZoneInfo

import icalendar

from core.errors import DomainError, Message, Unprocessable, message_of, with_message
from core.home_zone import HOME_ZONE_NAME
from events.recurrence import UTC_NAMES, RecurrenceError, check_zone, zone_of
from events.schemas import CalendarRowError, Kind

DEFAULT_ZONE = HOME_ZONE_NAME
MAX_EVENTS = 2000
KINDS = frozenset(get_args(Kind))
# Longer texts are cut to what the API stores rather than refusing the calendar.
TITLE_LIMIT, VENUE_LIMIT, DESCRIPTION_LIMIT = 300, 300, 10_000


@dataclass(frozen=True)
class Incoming:
    """One event of the file, as read: instants in UTC."""

    position: int  # its place among the file's events, from 1
    uid: str
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    rrule: str | None
    exdates: list[datetime]
    venue_name: str
    description: str
    sequence: int
    last_modified: datetime | None
    cancelled: bool


@dataclass
class ParsedCalendar:
    events: list[Incoming] = field(default_factory=list)
    errors: list[CalendarRowError] = field(default_factory=list)
    overrides_skipped: int = 0


class _UnreadableError(DomainError):
    """Why one event cannot be read."""


def _title(component: Any) -> str:
    return str(component.get("SUMMARY", "")).strip()[:TITLE_LIMIT]


def row_error(position: int, component_or_event: Any, reason: Message) -> CalendarRowError:
    if isinstance(component_or_event, Incoming):
        uid, title = component_or_event.uid, component_or_event.title
    else:
        uid = str(component_or_event.get("UID", "")).strip()
        title = _title(component_or_event)
    return with_message(
        CalendarRowError(event=position, uid=uid[:255], title=title, reason=str(reason)), reason
    )


def _moment(value: Any, zone: ZoneInfo) -> tuple[datetime, str | None, bool]:
    """An aware instant, the IANA zone it was written in (if any), and whether it was a date."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone), None, False
        key = getattr(value.tzinfo, "key", None)
        return value, key if isinstance(key, str) else None, False
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone), None, True
    raise _UnreadableError("It has no valid date or time.")


def _text(component: Any, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).replace("\r\n", "\n").strip()[:limit]


def _categories_kind(component: Any) -> str:
    value = component.get("CATEGORIES")
    if value is None:
        return "other"
    values = value if isinstance(value, list) else [value]
    for item in values:
        for word in getattr(item, "cats", []):
            if str(word).strip().lower() in KINDS:
                return str(word).strip().lower()
    return "other"


def _known_zone(name: str) -> bool:
    try:
        zone_of(name)
    except RecurrenceError:
        return False
    return True


def _zone_to_keep(zone_name: str | None, calendar_zone: ZoneInfo) -> str:
    """The zone the times were written in (the calendar's for floating times).

    A zone that is not a place is kept as written, so the API's own check refuses
    the event with its reason instead of moving it silently to another zone.
    """
    if not zone_name:
        return calendar_zone.key
    if zone_name in UTC_NAMES:
        return "UTC"
    return zone_name if _known_zone(zone_name) else calendar_zone.key


def _is_place(name: str) -> bool:
    try:
        check_zone(name)
    except RecurrenceError:
        return False
    return True


def _exdates(component: Any, zone: ZoneInfo) -> list[datetime]:
    values = component.get("EXDATE", [])
    values = values if isinstance(values, list) else [values]
    found = set()
    for item in values:
        for entry in getattr(item, "dts", []):
            moment, _, _ = _moment(entry.dt, zone)
            found.add(moment.astimezone(UTC))
    return sorted(found)


def _event(position: int, component: Any, calendar_zone: ZoneInfo) -> Incoming:
    uid = str(component.get("UID", "")).strip()
    if not uid:
        raise _UnreadableError("It has no UID, so a later import could not recognise it.")
    if "DTSTART" not in component:
        raise _UnreadableError("It has no DTSTART (start time).")
    try:
        start, zone_name, all_day = _moment(component.decoded("DTSTART"), calendar_zone)
        if "DTEND" in component:
            end, _, _ = _moment(component.decoded("DTEND"), calendar_zone)
        elif "DURATION" in component:
            end = start + component.decoded("DURATION")
        else:
            end = start + (timedelta(days=1) if all_day else timedelta(hours=1))
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise _UnreadableError(
            "It has a date or time that cannot be read: {exc}.", exc=exc
        ) from exc
    rrule = None
    exdates: list[datetime] = []
    if "RRULE" in component:
        value = component["RRULE"]
        value = value[0] if isinstance(value, list) else value
        rrule = value.to_ical().decode()
        exdates = _exdates(component, calendar_zone)
    last_modified = None
    if "LAST-MODIFIED" in component:
        stamp, _, _ = _moment(component.decoded("LAST-MODIFIED"), ZoneInfo("UTC"))
        last_modified = stamp.astimezone(UTC)
    try:
        sequence = int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError) as exc:
        raise _UnreadableError("Its SEQUENCE is not a number.") from exc
    return Incoming(
        position=position,
        uid=uid,
        title=_title(component) or "(未命名活动)",
        kind=_categories_kind(component),
        starts_at=start,
        ends_at=end,
        timezone=_zone_to_keep(zone_name, calendar_zone),
        rrule=rrule,
        exdates=exdates,
        venue_name=_text(component, "LOCATION", VENUE_LIMIT),
        description=_text(component, "DESCRIPTION", DESCRIPTION_LIMIT),
        sequence=max(0, min(sequence, 2**31 - 1)),
        last_modified=last_modified,
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
    )


def _calendar(data: bytes) -> icalendar.Calendar:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("The calendar file is not UTF-8 text.") from exc
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise Unprocessable(
            "This is not an iCalendar file: it does not begin with BEGIN:VCALENDAR."
        )
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise Unprocessable("The calendar file is broken: {exc}", exc=exc) from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise Unprocessable("The file holds more than one calendar; import them one by one.")
    for component in calendar.walk():
        if component.errors and component.name != "VEVENT":
            prop, problem = component.errors[0]
            raise Unprocessable(
                "The calendar file is broken: its {name} has an unreadable {prop}: {problem}",
                name=component.name,
                prop=prop,
                problem=problem,
            )
    return calendar


def parse_calendar(data: bytes) -> ParsedCalendar:
    """The events of an .ics file, the errors of those that cannot be read, overrides skipped."""
    calendar = _calendar(data)
    zone_name = str(calendar.get("X-WR-TIMEZONE", DEFAULT_ZONE)).strip()
    calendar_zone = ZoneInfo(zone_name if _is_place(zone_name) else DEFAULT_ZONE)
    components = calendar.walk("VEVENT")
    # Changed single occurrences (RECURRENCE-ID) are not imported; their series is.
    masters = [c for c in components if "RECURRENCE-ID" not in c]
    if len(masters) > MAX_EVENTS:
        raise Unprocessable(
            "The calendar has {count} events; at most {limit}.",
            count=len(masters),
            limit=MAX_EVENTS,
        )
    parsed = ParsedCalendar(overrides_skipped=len(components) - len(masters))
    seen: set[str] = set()
    for position, component in enumerate(masters, start=1):
        try:
            if component.errors:
                prop, problem = component.errors[0]
                raise _UnreadableError(
                    "Its {prop} cannot be read: {problem}.", prop=prop, problem=problem
                )
            event = _event(position, component, calendar_zone)
        except _UnreadableError as exc:
            parsed.errors.append(row_error(position, component, message_of(exc)))
            continue
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            parsed.errors.append(
                row_error(
                    position, component, Message("It cannot be read: {error}.", error=str(exc))
                )
            )
            continue
        if event.uid in seen:
            parsed.errors.append(
                row_error(position, event, Message("Its UID appears twice in the calendar file."))
            )
            continue
        seen.add(event.uid)
        parsed.events.append(event)
    return parsed
