"""Database lifecycle: pool for PostgreSQL, WAL for SQLite, migrations on demand."""

from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


async def _release_as_is(connection: Any) -> None:
    """asyncpg's release then only rolls back an open transaction.

    Its default reset (unlock advisory locks, close cursors, unlisten, reset
    settings) is a round trip after every query outside a transaction, and the
    app leaves none of that behind: its advisory locks are transaction-scoped,
    its settings SET LOCAL; it opens no cursors and listens to nothing.
    """


async def open_database() -> None:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10, reset=_release_as_is)
    elif isinstance(engine, SQLiteEngine):
        # WAL lets readers go on while one writer writes; the mode sticks to the file.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def close_database() -> None:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


async def migrate() -> None:
    response = await run_forwards(app_name="all")
    if not response.success:
        raise RuntimeError(f"Migrations failed: {response.message}")
