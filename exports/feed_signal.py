"""Reads the feed version: one cheap query per feed request, in every worker.

The version (accounts/feed_version.py) moves with every write a feed can
show, in that write's transaction; the UTC day is part of the signal because
the feed window moves with it. Nothing here trusts process memory: a change
made through another worker or process is seen by the next request.
"""

import sqlite3
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote

from piccolo.engine.sqlite import SQLiteEngine

from accounts.tables import FeedVersion

_READ = "SELECT version, changed_at_unix FROM feed_version WHERE id = 1"


@dataclass(frozen=True)
class Signal:
    version: int
    changed_at: datetime  # the version's own second (see FeedVersion)
    day: date

    @property
    def key(self) -> tuple[int, date]:
        """What a cached feed is valid for."""
        return (self.version, self.day)


class SignalReader:
    """Reads the version; on SQLite over one kept read-only connection.

    Piccolo opens a SQLite connection (and a thread) per query, which would
    cost a poll more than the rest of its work; a kept connection in WAL mode
    still sees every committed write. PostgreSQL uses Piccolo's pool.
    """

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None

    def _sqlite(self) -> sqlite3.Connection | None:
        engine = FeedVersion._meta.db
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

    async def read(self, now: datetime) -> Signal:
        connection = self._sqlite()
        if connection is not None:
            found = connection.execute(_READ).fetchone()
            row = None if found is None else (int(found[0]), int(found[1]))
        else:
            rows = await FeedVersion.raw(_READ)
            row = (int(rows[0]["version"]), int(rows[0]["changed_at_unix"])) if rows else None
        version, seconds = row or (0, 0)
        return Signal(
            version=version,
            changed_at=datetime.fromtimestamp(seconds, UTC),
            day=now.astimezone(UTC).date(),
        )
