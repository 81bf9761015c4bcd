"""PostgreSQL's side of a report's snapshot: a read-only transaction opened in one round trip.

Piccolo's transaction sends BEGIN on its own, and the report's settings then
cost a second trip; an outlet's whole summary is a few milliseconds of SQL, so
each trip shows. Here BEGIN and the settings go as one simple query.
"""

from typing import Any

from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

# Each statement is planned for its own values: a prepared statement's generic
# plan assumes a window matches a fraction of a percent of the rows, and after
# five runs it took an outlet's attendance from a walk over its events (1 ms) to
# a pass over the whole year's records (10 ms).
_BEGIN = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
    "SET LOCAL plan_cache_mode = force_custom_plan"
)


class SnapshotTransaction(PostgresTransaction):
    """A repeatable-read, read-only transaction; queries inside it run as in any other."""

    async def begin(self) -> None:
        # Without arguments asyncpg sends both statements in one simple query.
        await self.connection.execute(_BEGIN)

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


def snapshot_transaction(engine: PostgresEngine) -> SnapshotTransaction:
    """The snapshot on the engine that would have run the transaction (the replica's
    inside `reading_from_replica()`, see core/replica.py)."""
    chosen: Any = engine.transaction()
    return SnapshotTransaction(engine=chosen.engine)
