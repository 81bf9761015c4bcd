"""Which events a feed holds, and the cache that answers unchanged polls.

Calendar apps poll for years, mostly finding nothing new. A poll therefore
costs one indexed query — the change signal, `max(event.updated_at)` with
the campaigns' — and a dictionary lookup; the events are read and serialised
again only when the signal moves (or the UTC day turns, which moves the
30-day window of cancelled events).
"""

import asyncio
import hashlib
import re
import sqlite3
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, get_args
from urllib.parse import quote

import anyio.to_thread
from piccolo.engine.sqlite import SQLiteEngine

from accounts.calendar_tokens import calendar_token_hash
from accounts.scoping import subtree_ids_by_code, subtree_ids_of_path
from accounts.tables import Branch, User
from core.errors import NotFound, Unprocessable
from events.schemas import Audience, Kind
from events.tables import Campaign, Event
from exports.ical import (
    CalendarEvent,
    assemble,
    calendar_shell,
    event_bytes,
    utc_day_start,
    zones_used,
)

CANCELLED_KEPT = timedelta(days=30)
KINDS = frozenset(get_args(Kind))
AUDIENCES = frozenset(get_args(Audience))
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_MAX_FEEDS = 256
# Feeds are kept per filter and per public address; bound the bytes, not just the count.
_MAX_FEED_BYTES = 256 * 1024 * 1024
_MAX_CHUNKS = 200_000


@dataclass(frozen=True)
class FeedFilters:
    branch: str | None = None
    campaign: int | None = None
    kind: str | None = None
    language: str | None = None
    audience: str | None = None

    def validate(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise Unprocessable(f"kind must be one of {', '.join(sorted(KINDS))}.")
        if self.audience is not None and self.audience not in AUDIENCES:
            raise Unprocessable(f"audience must be one of {', '.join(sorted(AUDIENCES))}.")
        if self.language is not None and not _LANGUAGE.fullmatch(self.language):
            raise Unprocessable("language must be a language tag such as zh or lis.")

    def query_items(self) -> list[tuple[str, str]]:
        pairs = [
            ("branch", self.branch),
            ("campaign", None if self.campaign is None else str(self.campaign)),
            ("kind", self.kind),
            ("language", self.language),
            ("audience", self.audience),
        ]
        return [(k, v) for k, v in pairs if v is not None]


@dataclass(frozen=True)
class Scope:
    """Whose feed: the public, or a signed-in user's private feed."""

    internal_branch_ids: tuple[int, ...] | None = ()  # None: every branch (admin)
    owner: str = ""  # display name of the private feed's user


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


# Rows stamped in the future (imported or demo data) are left out: otherwise
# they would hold the maximum and hide every real change until their time.
_SIGNAL_SQL = (
    "SELECT (SELECT max(updated_at) FROM event WHERE updated_at <= {}) AS events,"
    " (SELECT max(updated_at) FROM campaign) AS campaigns,"
    " (SELECT count(*) FROM campaign) AS campaign_count"
)
_SIGNAL_HORIZON = timedelta(minutes=5)


class SignalReader:
    """Reads the change signal; on SQLite over one kept connection.

    Piccolo opens a SQLite connection (and a thread) per query, which would
    cost a feed poll more than the rest of its work; a kept connection in WAL
    mode still sees every committed write. PostgreSQL uses Piccolo's pool.
    """

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None

    def _sqlite(self) -> sqlite3.Connection | None:
        engine = Event._meta.db
        if not isinstance(engine, SQLiteEngine):
            return None
        if self._connection is None:
            path = engine.connection_kwargs.get("database", "")
            self._connection = sqlite3.connect(
                f"file:{quote(str(path))}?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
            weakref.finalize(self, self._connection.close)
        return self._connection

    async def read(self, now: datetime) -> tuple[Any, ...]:
        """Moves whenever any event or campaign changes, and when the UTC day turns."""
        horizon = now.astimezone(UTC) + _SIGNAL_HORIZON
        connection = self._sqlite()
        if connection is not None:
            # Piccolo stores UTC instants as str(datetime) on SQLite; compare alike.
            sql = _SIGNAL_SQL.replace("{}", "?")
            values = tuple(connection.execute(sql, (str(horizon),)).fetchone())
        else:
            rows = await Event.raw(_SIGNAL_SQL, horizon)
            values = (rows[0]["events"], rows[0]["campaigns"], rows[0]["campaign_count"])
        return (*(str(v) for v in values), now.astimezone(UTC).date().isoformat())


@dataclass
class FeedCache:
    """Built feeds by key, and every event's serialised VEVENT, both bounded."""

    feeds: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Feed]] = field(
        default_factory=OrderedDict
    )
    chunks: dict[int, tuple[tuple[Any, ...], bytes]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    signal: SignalReader = field(default_factory=SignalReader)
    size: int = 0

    def get(self, key: tuple[Any, ...], signal: tuple[Any, ...]) -> Feed | None:
        found = self.feeds.get(key)
        if found is None or found[0] != signal:
            return None
        self.feeds.move_to_end(key)
        return found[1]

    def put(self, key: tuple[Any, ...], signal: tuple[Any, ...], feed: Feed) -> None:
        previous = self.feeds.pop(key, None)
        if previous is not None:
            self.size -= len(previous[1].body)
        self.feeds[key] = (signal, feed)
        self.size += len(feed.body)
        while len(self.feeds) > 1 and (len(self.feeds) > _MAX_FEEDS or self.size > _MAX_FEED_BYTES):
            _, (_, dropped) = self.feeds.popitem(last=False)
            self.size -= len(dropped.body)


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


async def public_scope() -> Scope:
    return Scope()


async def private_scope(token: str) -> Scope:
    """The scope of a private feed token; unknown, rotated or inactive → 404."""
    row = await (
        User.select(User.role, User.display_name, User.branch._.path)
        .where((User.calendar_token_hash == calendar_token_hash(token)) & (User.active.eq(True)))
        .first()
    )
    if row is None:
        raise NotFound("Calendar", "at this address")
    if row["role"] == "admin":
        return Scope(internal_branch_ids=None, owner=row["display_name"])
    ids = await subtree_ids_of_path(row["branch.path"])
    return Scope(internal_branch_ids=tuple(sorted(ids)), owner=row["display_name"])


async def branch_filter_ids(filters: FeedFilters) -> tuple[int, ...] | None:
    if filters.branch is None:
        return None
    ids = await subtree_ids_by_code(filters.branch)
    if ids is None:
        raise NotFound("Branch", filters.branch)
    return tuple(sorted(ids))


_COLUMNS = (
    Event.id,
    Event.uid,
    Event.title,
    Event.kind,
    Event.starts_at,
    Event.ends_at,
    Event.timezone,
    Event.rrule,
    Event.exdates,
    Event.venue_name,
    Event.venue_address,
    Event.description,
    Event.status,
    Event.sequence,
    Event.created_at,
    Event.updated_at,
    Event.visibility,
    Event.campaign._.theme,
)


def _where(
    scope: Scope,
    filters: FeedFilters,
    branch_ids: tuple[int, ...] | None,
    cutoff: datetime,
) -> list[Any]:
    listed = Event.status.is_in(["scheduled", "completed"])
    recently_cancelled = (Event.status == "cancelled") & (
        (Event.cancelled_at >= cutoff)
        | (Event.cancelled_at.is_null() & (Event.updated_at >= cutoff))
    )
    clauses: list[Any] = [listed | recently_cancelled]
    public = Event.visibility == "public"
    if scope.internal_branch_ids is None:
        clauses.append(public | (Event.visibility == "internal"))
    elif scope.internal_branch_ids:
        internal = (Event.visibility == "internal") & Event.branch.is_in(
            list(scope.internal_branch_ids)
        )
        clauses.append(public | internal)
    else:
        clauses.append(public)
    if branch_ids is not None:
        clauses.append(Event.branch.is_in(list(branch_ids)) if branch_ids else Event.id == -1)
    if filters.campaign is not None:
        clauses.append(Event.campaign == filters.campaign)
    if filters.kind is not None:
        clauses.append(Event.kind == filters.kind)
    if filters.language is not None:
        clauses.append(Event.languages.like(f'%"{filters.language}"%'))
    if filters.audience is not None:
        clauses.append(Event.audiences.like(f'%"{filters.audience}"%'))
    return clauses


def _calendar_event(row: dict[str, Any]) -> CalendarEvent:
    return CalendarEvent(
        id=row["id"],
        uid=row["uid"],
        title=row["title"],
        kind=row["kind"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        exdates=row["exdates"],
        venue_name=row["venue_name"],
        venue_address=row["venue_address"],
        description=row["description"],
        status=row["status"],
        sequence=row["sequence"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        campaign_theme=row["campaign.theme"],
        visibility=row["visibility"],
    )


async def _dropped_since(cutoff: datetime) -> datetime | None:
    """When the newest expired cancellation left the feeds (a day boundary)."""
    row = await (
        Event.select(Event.cancelled_at)
        .where((Event.status == "cancelled") & (Event.cancelled_at < cutoff))
        .order_by(Event.cancelled_at, ascending=False)
        .first()
    )
    moment = _instant(row["cancelled_at"]) if row else None
    return None if moment is None else utc_day_start(moment + CANCELLED_KEPT) + timedelta(days=1)


def feed_name(scope: Scope, filters: FeedFilters, branch_name: str | None) -> tuple[str, str]:
    name = "防诈宣传活动"
    if branch_name:
        name = f"{name} · {branch_name}"
    if scope.owner:
        name = f"{name}(内部 · {scope.owner})"
    description = "反诈金融知识宣传活动日历:讲座、厅堂微沙龙、进社区进校园进乡村。"
    return name, description


def _serialise(
    cache: FeedCache, events: list[CalendarEvent], base_url: str, name: str, description: str
) -> bytes:
    chunks: list[bytes] = []
    for event in events:
        fingerprint = (
            event.updated_at,
            event.sequence,
            event.visibility,
            event.campaign_theme,
            base_url,
        )
        cached = cache.chunks.get(event.id)
        if cached is None or cached[0] != fingerprint:
            cached = (fingerprint, event_bytes(event, base_url))
            if len(cache.chunks) >= _MAX_CHUNKS:
                cache.chunks.clear()
            cache.chunks[event.id] = cached
        chunks.append(cached[1])
    return assemble(calendar_shell(name, description, zones_used(events)), chunks)


async def read_feed_events(
    scope: Scope, filters: FeedFilters, branch_ids: tuple[int, ...] | None, now: datetime
) -> list[CalendarEvent]:
    """The events a feed holds today, in a stable order."""
    cutoff = utc_day_start(now) - CANCELLED_KEPT
    query = Event.select(*_COLUMNS).where(*_where(scope, filters, branch_ids, cutoff))
    rows = await query.order_by(Event.starts_at).order_by(Event.id)
    return [_calendar_event(r) for r in rows]


async def build_feed(
    cache: FeedCache,
    scope: Scope,
    filters: FeedFilters,
    branch_ids: tuple[int, ...] | None,
    base_url: str,
    now: datetime,
) -> Feed:
    """Reads the feed's events and assembles its bytes, reusing unchanged VEVENTs."""
    cutoff = utc_day_start(now) - CANCELLED_KEPT
    events = await read_feed_events(scope, filters, branch_ids, now)
    branch_name = None
    if filters.branch is not None:
        found = await Branch.select(Branch.name).where(Branch.code == filters.branch).first()
        branch_name = found["name"] if found else None
    name, description = feed_name(scope, filters, branch_name)
    body = await anyio.to_thread.run_sync(_serialise, cache, events, base_url, name, description)
    stamps = [_instant(e.updated_at) for e in events]
    newest = await _newest_change(cutoff)
    candidates = [s for s in [*stamps, newest] if s is not None]
    last_modified = max(candidates, default=datetime(2000, 1, 1, tzinfo=UTC))
    return Feed(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=last_modified.replace(microsecond=0),
    )


async def _newest_change(cutoff: datetime) -> datetime | None:
    # Any change to any event may have moved one out of this feed (made
    # internal, moved branch), so the feed's Last-Modified never trails it.
    rows = await Event.raw("SELECT max(updated_at) AS newest FROM event")
    newest = _instant(rows[0]["newest"]) if rows else None
    dropped = await _dropped_since(cutoff)
    return max((m for m in (newest, dropped) if m is not None), default=None)


async def campaign_exists(campaign_id: int) -> bool:
    return bool(await Campaign.exists().where(Campaign.id == campaign_id))


async def feed_for(
    cache: FeedCache,
    scope: Scope,
    filters: FeedFilters,
    base_url: str,
    now: datetime,
) -> Feed:
    """The feed's bytes from cache when nothing it covers changed, else rebuilt."""
    filters.validate()
    branch_ids = await branch_filter_ids(filters)
    signal = await cache.signal.read(now)
    key = (scope, filters, branch_ids, base_url)
    feed = cache.get(key, signal)
    if feed is not None:
        return feed
    async with cache.lock:
        feed = cache.get(key, signal)
        if feed is None:
            if filters.campaign is not None and not await campaign_exists(filters.campaign):
                raise NotFound("Campaign", filters.campaign)
            feed = await build_feed(cache, scope, filters, branch_ids, base_url, now)
            previous = cache.feeds.get(key)
            if previous is not None and previous[1].etag == feed.etag:
                feed = previous[1]  # same bytes: keep the validators clients hold
            cache.put(key, signal, feed)
    return feed


async def single_event_feed(cache: FeedCache, event_id: int, base_url: str, now: datetime) -> Feed:
    """A calendar with one public, non-draft event; 404 for anything else."""
    signal = await cache.signal.read(now)
    key = ("event", event_id, base_url)
    feed = cache.get(key, signal)
    if feed is not None:
        return feed
    row = await (
        Event.select(*_COLUMNS)
        .where(
            (Event.id == event_id)
            & (Event.visibility == "public")
            & Event.status.is_in(["scheduled", "completed", "cancelled"])
        )
        .first()
    )
    if row is None:
        raise NotFound("Event", event_id)
    event = _calendar_event(row)
    scope = Scope()
    name, description = feed_name(scope, FeedFilters(), None)
    body = _serialise(cache, [event], base_url, f"{row['title']}"[:200] or name, description)
    stamp = _instant(row["updated_at"]) or datetime(2000, 1, 1, tzinfo=UTC)
    feed = Feed(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        last_modified=stamp.replace(microsecond=0),
    )
    cache.put(key, signal, feed)
    return feed
