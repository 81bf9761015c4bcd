"""Calendar import: .ics from an address or an upload → draft events, deduplicated by UID.

All or nothing: the file is read and checked completely before anything is
written, and the writes share one transaction. A re-import changes an event
only when the source says it is newer — a higher SEQUENCE than ours, or a
LAST-MODIFIED after our last change.
"""

import asyncio
import ipaddress
import json
import os
import socket
import sqlite3
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import asyncpg
import certifi
import httpcore
import httpx
import icalendar
import msgspec

from accounts.caller import Caller
from core.errors import Conflict, Forbidden, Unprocessable
from core.transactions import write_transaction
from events.occurrence_writes import keep_occurrences_in_step
from events.recurrence import (
    RecurrenceError,
    check_schedule,
    normalise_rrule,
    series_ends_at,
    zone_of,
)
from events.recurrence import Schedule as RecurrenceSchedule
from events.schemas import Kind
from events.tables import Event
from events.visibility import require_planner_of

DEFAULT_ZONE = "Asia/Shanghai"
MAX_EVENTS = 2000
MAX_REDIRECTS = 3
KINDS = frozenset(get_args(Kind))


class ImportedEvent(msgspec.Struct):
    id: int
    uid: str
    title: str
    action: str  # created | updated | unchanged


class ImportResult(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    skipped: int
    events: list[ImportedEvent]


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float
    max_bytes: int
    allow_private: bool

    @classmethod
    def from_env(cls, allow_private: bool) -> "FetchLimits":
        flag = os.environ.get("FANGZHA_ALLOW_PRIVATE_FETCH", "").strip().lower()
        return cls(
            timeout_seconds=_number("FANGZHA_FETCH_TIMEOUT_SECONDS", 10.0),
            max_bytes=int(_number("FANGZHA_FETCH_MAX_BYTES", 5 * 1024 * 1024)),
            allow_private=allow_private or flag in {"1", "true", "yes", "on"},
        )


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


# --- fetching -----------------------------------------------------------------


async def _public_address(host: str, port: int, allow_private: bool) -> str:
    """An address of `host` to connect to; every address it resolves to must be public."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise Unprocessable(f"The address {host} could not be found.") from exc
    if not infos:
        raise Unprocessable(f"The address {host} could not be found.")
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if not allow_private and (not address.is_global or address.is_multicast):
            raise Unprocessable(
                f"{host} is a private, loopback or link-local address ({address}); "
                "only public calendar addresses can be imported."
            )
    return str(infos[0][4][0])


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the address it checked itself.

    Checking a name and then letting the client resolve it again would let a
    DNS answer that changes in between (rebinding) reach an internal host.
    TLS still verifies the certificate against the host name.
    """

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await _public_address(host, port, self._allow_private)
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Unprocessable("Calendar addresses must be http:// or https:// URLs.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _transport(allow_private: bool) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx takes no network backend argument; its pool does.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl.create_default_context(cafile=certifi.where()),
        max_connections=2,
        network_backend=_CheckedBackend(allow_private),
    )
    return transport


def _checked_url(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise Unprocessable("The calendar address is not a valid URL.") from exc
    if parts.scheme not in {"http", "https"}:
        raise Unprocessable("The calendar address must start with http:// or https://.")
    if not parts.hostname:
        raise Unprocessable("The calendar address has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Unprocessable("The calendar address has an invalid port.") from exc
    return url.strip(), parts.hostname, port


async def fetch_calendar(url: str, limits: FetchLimits) -> bytes:
    """The body at `url`, following at most three redirects, each checked again."""
    timeout = httpx.Timeout(limits.timeout_seconds)
    try:
        async with asyncio.timeout(limits.timeout_seconds * 2):
            async with httpx.AsyncClient(
                timeout=timeout,
                follow_redirects=False,
                trust_env=False,
                transport=_transport(limits.allow_private),
            ) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    url, host, port = _checked_url(url)
                    await _public_address(host, port, limits.allow_private)
                    body, location = await _get(client, url, limits.max_bytes)
                    if location is None:
                        return body
                    url = urljoin(url, location)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise Unprocessable(
            f"The calendar address did not answer within {limits.timeout_seconds:g} seconds."
        ) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise Unprocessable(f"The calendar address could not be read: {exc}") from exc
    raise Unprocessable(f"The calendar address redirected more than {MAX_REDIRECTS} times.")


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> tuple[bytes, str | None]:
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "Fangzha calendar import"}
    async with client.stream("GET", url, headers=headers) as response:
        if response.is_redirect and "location" in response.headers:
            return b"", response.headers["location"]
        if response.status_code != 200:
            raise Unprocessable(f"The calendar address answered HTTP {response.status_code}.")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Unprocessable(_too_large(max_bytes))
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise Unprocessable(_too_large(max_bytes))
            chunks.append(chunk)
    return b"".join(chunks), None


def _too_large(max_bytes: int) -> str:
    return f"The calendar is larger than the {max_bytes / 1024 / 1024:g} MB an import may be."


# --- parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    uid: str
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    rrule: str | None
    exdates: list[str]
    venue_name: str
    description: str
    sequence: int
    last_modified: datetime | None
    cancelled: bool


def _name(component: Any) -> str:
    summary = str(component.get("SUMMARY", "")).strip()
    return f'"{summary[:60]}"' if summary else f"UID {str(component.get('UID', '?'))[:60]}"


def _moment(value: Any, zone: ZoneInfo, where: str) -> tuple[datetime, str | None, bool]:
    """An aware instant, the IANA zone it was written in (if any), and whether it was a date."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone), None, False
        key = getattr(value.tzinfo, "key", None)
        return value, key if isinstance(key, str) else None, False
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone), None, True
    raise Unprocessable(f"{where} has no valid date or time.")


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


def _event(component: Any, calendar_zone: ZoneInfo) -> Incoming:
    where = f"The event {_name(component)}"
    uid = str(component.get("UID", "")).strip()
    if not uid:
        raise Unprocessable(f"{where} has no UID, so a later import could not recognise it.")
    if len(uid) > 255:
        raise Unprocessable(f"{where} has a UID longer than 255 characters.")
    if "DTSTART" not in component:
        raise Unprocessable(f"{where} has no DTSTART (start time).")
    try:
        start, zone_name, all_day = _moment(component.decoded("DTSTART"), calendar_zone, where)
        if "DTEND" in component:
            end, _, _ = _moment(component.decoded("DTEND"), calendar_zone, where)
        elif "DURATION" in component:
            end = start + component.decoded("DURATION")
        else:
            end = start + (timedelta(days=1) if all_day else timedelta(hours=1))
    except (ValueError, TypeError, KeyError) as exc:
        raise Unprocessable(f"{where} has a date or time that cannot be read: {exc}") from exc
    if end <= start:
        raise Unprocessable(f"{where} ends before it starts.")
    timezone = zone_name if zone_name and _known_zone(zone_name) else calendar_zone.key
    rrule = None
    exdates: list[str] = []
    if "RRULE" in component:
        value = component["RRULE"]
        value = value[0] if isinstance(value, list) else value
        try:
            rrule = normalise_rrule(value.to_ical().decode())
            check_schedule(RecurrenceSchedule(start, end, timezone, rrule))
        except RecurrenceError as exc:
            raise Unprocessable(f"{where} has a repeat rule we cannot use: {exc}") from exc
        exdates = _exdates(component, calendar_zone, where)
    last_modified = None
    if "LAST-MODIFIED" in component:
        stamp, _, _ = _moment(component.decoded("LAST-MODIFIED"), ZoneInfo("UTC"), where)
        last_modified = stamp.astimezone(UTC)
    try:
        sequence = int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError) as exc:
        raise Unprocessable(f"{where} has a SEQUENCE that is not a number.") from exc
    title = _text(component, "SUMMARY", 300) or "(未命名活动)"
    return Incoming(
        uid=uid,
        title=title,
        kind=_categories_kind(component),
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        timezone=timezone,
        rrule=rrule,
        exdates=exdates,
        venue_name=_text(component, "LOCATION", 300),
        description=_text(component, "DESCRIPTION", 20_000),
        sequence=max(0, min(sequence, 2**31 - 1)),
        last_modified=last_modified,
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
    )


def _known_zone(name: str) -> bool:
    try:
        zone_of(name)
    except RecurrenceError:
        return False
    return True


def _exdates(component: Any, zone: ZoneInfo, where: str) -> list[str]:
    values = component.get("EXDATE", [])
    values = values if isinstance(values, list) else [values]
    result = set()
    for item in values:
        for entry in getattr(item, "dts", []):
            moment, _, _ = _moment(entry.dt, zone, where)
            result.add(moment.astimezone(UTC).isoformat())
    return sorted(result)


def parse_calendar(data: bytes) -> tuple[list[Incoming], int]:
    """The events of an .ics file and how many overrides were skipped; 422 naming any fault."""
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
        raise Unprocessable(f"The calendar file is broken: {exc}") from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise Unprocessable("The file holds more than one calendar; import them one by one.")
    for component in calendar.walk():
        if component.errors:
            prop, problem = component.errors[0]
            raise Unprocessable(
                f"The calendar file is broken: {component.name} {_name(component)} has an "
                f"unreadable {prop}: {problem}"
            )
    zone_name = str(calendar.get("X-WR-TIMEZONE", DEFAULT_ZONE)).strip()
    calendar_zone = ZoneInfo(zone_name if _known_zone(zone_name) else DEFAULT_ZONE)
    components = calendar.walk("VEVENT")
    masters = [c for c in components if "RECURRENCE-ID" not in c]
    if len(masters) > MAX_EVENTS:
        raise Unprocessable(f"The calendar has {len(masters)} events; at most {MAX_EVENTS}.")
    events = [_event(c, calendar_zone) for c in masters]
    seen: set[str] = set()
    for event in events:
        if event.uid in seen:
            raise Unprocessable(f"The UID {event.uid[:80]} appears twice in the calendar file.")
        seen.add(event.uid)
    return events, len(components) - len(masters)


# --- storing ------------------------------------------------------------------


def _values(incoming: Incoming) -> dict[str, Any]:
    return {
        "title": incoming.title,
        "kind": incoming.kind,
        "starts_at": incoming.starts_at,
        "ends_at": incoming.ends_at,
        "series_ends_at": series_ends_at(
            incoming.starts_at, incoming.ends_at, incoming.timezone, incoming.rrule
        ),
        "timezone": incoming.timezone,
        "rrule": incoming.rrule,
        "exdates": json.dumps(incoming.exdates),
        "venue_name": incoming.venue_name,
        "description": incoming.description,
    }


def _is_newer(incoming: Incoming, row: dict[str, Any]) -> bool:
    if incoming.sequence > row["sequence"]:
        return True
    ours = row["updated_at"]
    if ours is not None and ours.tzinfo is None:
        ours = ours.replace(tzinfo=UTC)
    return incoming.last_modified is not None and (ours is None or incoming.last_modified > ours)


async def store_events(
    caller: Caller, branch_id: int, events: list[Incoming], skipped: int
) -> ImportResult:
    await require_planner_of(caller, branch_id)
    result = ImportResult(created=0, updated=0, unchanged=0, skipped=skipped, events=[])
    async with write_transaction(Event):
        uids = [e.uid for e in events]
        existing = {
            row["uid"]: row
            for row in await Event.select(
                Event.id, Event.uid, Event.branch, Event.status, Event.sequence, Event.updated_at
            ).where(Event.uid.is_in(uids or [""]))
        }
        for incoming in events:
            row = existing.get(incoming.uid)
            if row is None:
                if incoming.cancelled:
                    result.skipped += 1
                    continue
                event_id = await _create(caller, branch_id, incoming)
                await keep_occurrences_in_step(event_id)
                result.created += 1
                result.events.append(
                    ImportedEvent(event_id, incoming.uid, incoming.title, "created")
                )
                continue
            try:
                await require_planner_of(caller, row["branch"])
            except Forbidden as exc:
                raise Forbidden(
                    detail=f"The event with UID {incoming.uid[:80]} already exists in a branch "
                    "you cannot edit; nothing was imported."
                ) from exc
            if not _is_newer(incoming, row):
                result.unchanged += 1
                result.events.append(
                    ImportedEvent(row["id"], incoming.uid, incoming.title, "unchanged")
                )
                continue
            await _update(row, incoming)
            await keep_occurrences_in_step(row["id"])
            result.updated += 1
            result.events.append(ImportedEvent(row["id"], incoming.uid, incoming.title, "updated"))
    return result


async def _create(caller: Caller, branch_id: int, incoming: Incoming) -> int:
    now = datetime.now(UTC)
    rows = await Event.insert(
        Event(
            uid=incoming.uid,
            branch=branch_id,
            status="draft",
            visibility="public",
            sequence=incoming.sequence,
            venue_type="other",
            languages="[]",
            audiences="[]",
            created_by=caller.id,
            created_at=now,
            updated_at=now,
            **_values(incoming),
        )
    ).returning(Event.id)
    return int(rows[0]["id"])


async def _update(row: dict[str, Any], incoming: Incoming) -> None:
    now = datetime.now(UTC)
    values: dict[Any, Any] = {getattr(Event, k): v for k, v in _values(incoming).items()}
    published = row["status"] != "draft"
    # Our sequence only goes up: subscribers of a published event must see the change.
    values[Event.sequence] = max(row["sequence"] + (1 if published else 0), incoming.sequence)
    if incoming.cancelled and row["status"] == "scheduled":
        values[Event.status] = "cancelled"
        values[Event.cancelled_at] = now
    values[Event.updated_at] = now
    await Event.update(values).where(Event.id == row["id"])


async def import_calendar(caller: Caller, branch_id: int, data: bytes) -> ImportResult:
    """Parses everything first, then writes in one transaction: all events or none."""
    events, skipped = parse_calendar(data)
    try:
        return await store_events(caller, branch_id, events, skipped)
    except (sqlite3.IntegrityError, asyncpg.UniqueViolationError) as exc:
        # Two imports of the same calendar at once: the second finds the UIDs taken.
        raise Conflict(
            "Another import added some of these events at the same moment; "
            "nothing was imported from this one, please try again."
        ) from exc
