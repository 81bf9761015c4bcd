"""Built feeds kept per request shape, answered again while the feed version stands.

Calendar apps poll for years, mostly finding nothing new. A poll costs one
query (the version, exports/feed_signal.py) and a dictionary lookup; the
events are read and the bytes built and compressed again only when a write
moved the version or the UTC day turned. Keys hold the canonical public
address (core/urls.py), never a raw Host header, so no client can fill or
empty the cache by naming other hosts.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.metrics import feed_cache_hits, feed_cache_misses
from exports.feed_build import ChunkStore, Feed, build_event_file, build_feed
from exports.feed_filters import FeedFilters
from exports.feed_scope import FeedScope
from exports.feed_signal import SignalReader

_MAX_FEEDS = 256
# Feeds are kept per filter, scope and coding; bound the bytes, not just the count.
_MAX_FEED_BYTES = 256 * 1024 * 1024


@dataclass
class FeedCache:
    feeds: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Feed]] = field(
        default_factory=OrderedDict
    )
    chunks: ChunkStore = field(default_factory=ChunkStore)
    # One build at a time: a burst of polls after a change builds once.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    signal: SignalReader = field(default_factory=SignalReader)
    size: int = 0

    def get(self, key: tuple[Any, ...], valid_for: tuple[Any, ...]) -> Feed | None:
        found = self.feeds.get(key)
        if found is None or found[0] != valid_for:
            return None
        self.feeds.move_to_end(key)
        return found[1]

    def put(self, key: tuple[Any, ...], valid_for: tuple[Any, ...], feed: Feed) -> None:
        previous = self.feeds.pop(key, None)
        if previous is not None:
            self.size -= previous[1].size
        self.feeds[key] = (valid_for, feed)
        self.size += feed.size
        while len(self.feeds) > 1 and (len(self.feeds) > _MAX_FEEDS or self.size > _MAX_FEED_BYTES):
            _, (_, dropped) = self.feeds.popitem(last=False)
            self.size -= dropped.size


async def _cached(
    cache: FeedCache,
    key: tuple[Any, ...],
    now: datetime,
    build: Callable[..., Awaitable[Feed]],
) -> Feed:
    signal = await cache.signal.read(now)
    feed = cache.get(key, signal.key)
    if feed is not None:
        feed_cache_hits.inc()
        return feed
    async with cache.lock:
        # Another request may have built it while this one waited.
        signal = await cache.signal.read(now)
        feed = cache.get(key, signal.key)
        if feed is not None:
            feed_cache_hits.inc()
            return feed
        feed_cache_misses.inc()
        feed = await build(signal)
        previous = cache.feeds.get(key)
        if previous is not None and previous[1].digest == feed.digest:
            feed = previous[1]  # same bytes: keep the validators clients hold
        cache.put(key, signal.key, feed)
    return feed


async def feed_for(
    cache: FeedCache, scope: FeedScope, filters: FeedFilters, base_url: str, now: datetime
) -> Feed:
    """The feed from cache while the version and the day stand, else rebuilt."""
    filters.validate()
    key = ("feed", scope, filters, base_url)
    return await _cached(
        cache,
        key,
        now,
        lambda signal: build_feed(cache.chunks, scope, filters, base_url, signal, now),
    )


async def event_file_for(
    cache: FeedCache, event_id: int, alarms: bool, base_url: str, now: datetime
) -> Feed:
    """The .ics file of one public event, cached like the feeds."""
    key = ("event", event_id, alarms, base_url)
    return await _cached(
        cache,
        key,
        now,
        lambda signal: build_event_file(cache.chunks, event_id, alarms, base_url, signal, now),
    )
