"""The feed version: moved by every write that can change what a calendar feed shows.

Call `bump_feed_version()` inside the write's transaction. On PostgreSQL the
upsert's row lock makes concurrent writers take turns from that statement to
their commit, so versions follow commit order; SQLite's immediate write
transactions already run one at a time. Feed caches in every worker read the
row (exports/feed_signal.py) and rebuild when it moved.
"""

from datetime import UTC, datetime

from accounts.tables import FeedVersion

# Portable upsert (SQLite ≥ 3.24 and PostgreSQL): the row exists after the first write.
_BUMP = (
    "INSERT INTO feed_version (id, version, changed_at_unix) VALUES (1, 1, {}) "
    "ON CONFLICT (id) DO UPDATE SET version = feed_version.version + 1, "
    "changed_at_unix = CASE WHEN feed_version.changed_at_unix >= {} "
    "THEN feed_version.changed_at_unix + 1 ELSE {} END"
)


async def bump_feed_version(at: datetime | None = None) -> None:
    """One more version; `at` is the write's own time stamp (now by default)."""
    seconds = int((at or datetime.now(UTC)).timestamp())
    await FeedVersion.raw(_BUMP, seconds, seconds, seconds)
