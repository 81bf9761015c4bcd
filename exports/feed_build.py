"""Builds a feed's bytes: its VEVENTs (reused while unchanged), its shell, its codings."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio.to_thread

from exports.feed_encoding import IDENTITY, compress
from exports.feed_events import (
    branch_filter_ids,
    branch_name,
    read_feed_events,
    read_public_event,
    require_campaign,
)
from exports.feed_filters import FeedFilters
from exports.feed_scope import FeedScope
from exports.feed_signal import Signal
from exports.feed_window import Window
from exports.ical import CalendarEvent, assemble, calendar_shell, event_bytes, zones_used

FEED_NAME = "防诈宣传活动"
FEED_DESCRIPTION = "反诈金融知识宣传活动日历:讲座、厅堂微沙龙、进社区进校园进乡村。"
_MAX_CHUNKS = 200_000


@dataclass(frozen=True)
class Feed:
    """One built feed: its bytes in every coding and its validators."""

    bodies: Mapping[str, bytes]  # content coding → bytes; IDENTITY is the calendar itself
    digest: str  # of the identity bytes
    last_modified: datetime  # whole seconds, UTC; may lie ahead of the clock (see FeedVersion)

    def etag(self, coding: str) -> str:
        """A strong ETag per coding: gzip bytes are another representation (RFC 9110 §8.8.3)."""
        suffix = "" if coding == IDENTITY else f"-{coding}"
        return f'"{self.digest}{suffix}"'

    @property
    def size(self) -> int:
        return sum(len(body) for body in self.bodies.values())


class ChunkStore:
    """Every event's serialised VEVENT, reused while the event's row is the same.

    A rebuild after one edit serialises one event, not the whole feed.
    """

    def __init__(self, limit: int = _MAX_CHUNKS) -> None:
        self._chunks: dict[tuple[int, str, bool], tuple[CalendarEvent, bytes]] = {}
        self._limit = limit

    def vevent(self, event: CalendarEvent, base_url: str, alarms: bool) -> bytes:
        key = (event.id, base_url, alarms)
        found = self._chunks.get(key)
        if found is not None and found[0] == event:
            return found[1]
        data = event_bytes(event, base_url, alarms)
        if len(self._chunks) >= self._limit:
            self._chunks.clear()
        self._chunks[key] = (event, data)
        return data


def feed_name(scope: FeedScope, branch: str | None) -> str:
    name = FEED_NAME
    if branch:
        name = f"{name} · {branch}"
    if scope.owner:
        name = f"{name}(内部 · {scope.owner})"
    return name


def _whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _last_modified(
    signal: Signal, events: list[CalendarEvent], departure: datetime | None, now: datetime
) -> datetime:
    """Never earlier than any change the feed reflects: the version's own second,
    the day time last moved an event out, and its events' stamps (rows written
    without a version, such as a loaded demo). Future stamps are left out."""
    stamps = [_whole_seconds(e.updated_at) for e in events]
    candidates = [signal.changed_at, *(s for s in stamps if s <= now)]
    if departure is not None:
        candidates.append(departure)
    return max(candidates)


def _assemble(
    chunks: ChunkStore,
    events: list[CalendarEvent],
    base_url: str,
    alarms: bool,
    name: str,
    last_modified: datetime,
) -> Feed:
    vevents = [chunks.vevent(event, base_url, alarms) for event in events]
    body = assemble(calendar_shell(name, FEED_DESCRIPTION, zones_used(events)), vevents)
    return Feed(
        bodies=compress(body),
        digest=hashlib.sha256(body).hexdigest()[:32],
        last_modified=last_modified,
    )


async def build_feed(
    chunks: ChunkStore,
    scope: FeedScope,
    filters: FeedFilters,
    base_url: str,
    signal: Signal,
    now: datetime,
) -> Feed:
    """Reads the feed's events in today's window and builds its bytes off the event loop."""
    branch_ids = await branch_filter_ids(filters)
    await require_campaign(filters)
    window = Window.on(now)
    events = await read_feed_events(scope, filters, branch_ids, window)
    name = feed_name(scope, await branch_name(filters.branch))
    last_modified = _last_modified(signal, events, await window.last_departure(), now)
    return await anyio.to_thread.run_sync(
        _assemble, chunks, events, base_url, filters.alarms, name, last_modified
    )


async def build_event_file(
    chunks: ChunkStore, event_id: int, alarms: bool, base_url: str, signal: Signal, now: datetime
) -> Feed:
    """A calendar with one public event, however old (its link may sit in a chat for years)."""
    event = await read_public_event(event_id)
    name = event.title[:200] or FEED_NAME
    last_modified = _last_modified(signal, [event], None, now)
    return await anyio.to_thread.run_sync(
        _assemble, chunks, [event], base_url, alarms, name, last_modified
    )
