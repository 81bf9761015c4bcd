"""Small pieces shared by the report queries: placeholders, the engine, the report zone."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from core.home_zone import HOME_ZONE, HOME_ZONE_NAME
from core.postgres_snapshot import snapshot_transaction
from core.sqlite_engine import OneHopSQLiteEngine, SnapshotConnection

# Head office counts months and years in China time.
REPORT_ZONE = HOME_ZONE
# An event is held unless it is a draft or cancelled; a rejected interception is never
# counted. Both are written as exclusions: an equality on status would lead SQLite,
# which keeps no statistics, to walk the status index instead of the time range.
NOT_HELD = ("draft", "cancelled")


# A statement with "{}" placeholders, and its arguments.
Statement = tuple[str, list[Any]]


def held_sql(column: str) -> str:
    return f"{column} NOT IN ('draft', 'cancelled')"


def counted_sql(column: str) -> str:
    return f"{column} <> 'rejected'"


def on_postgres() -> bool:
    return isinstance(engine_finder(), PostgresEngine)


def in_list(column: str, values: list[Any] | tuple[Any, ...]) -> tuple[str, list[Any]]:
    """`column IN (...)` with one placeholder per value; an empty list matches nothing."""
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['{}'] * len(values))})", list(values)


def window_sql(column: str, start: Any, end: Any) -> tuple[str, list[Any]]:
    """` AND column >= start AND column < end`, each bound only when given."""
    sql, args = "", []
    if start is not None:
        sql += f" AND {column} >= {{}}"
        args.append(start)
    if end is not None:
        sql += f" AND {column} < {{}}"
        args.append(end)
    return sql, args


def month_of(column: str) -> str:
    """The China-time month ('2025-03') of a timestamp column, in SQL."""
    if on_postgres():
        return f"to_char({column} AT TIME ZONE '{HOME_ZONE_NAME}', 'YYYY-MM')"
    # China has kept UTC+8 without daylight saving since 1991.
    return f"strftime('%Y-%m', {column}, '+8 hours')"


@asynccontextmanager
async def one_snapshot() -> AsyncIterator[None]:
    """The queries of one report on one connection and one snapshot of the data.

    The figures then agree with each other even while staff keep logging. SQLite
    lends a kept read-only connection (core/sqlite_engine.py): a new one cost more
    than an outlet's three statements, its page cache starting empty each time.
    PostgreSQL opens a repeatable-read transaction that plans each statement for
    its own values (core/postgres_snapshot.py).
    """
    engine: Any = engine_finder()
    if engine.current_transaction.get() is not None:
        async with engine.transaction():
            yield
    elif isinstance(engine, OneHopSQLiteEngine):
        async with engine.snapshot():
            yield
    elif isinstance(engine, PostgresEngine):
        async with snapshot_transaction(engine):
            yield
    else:
        async with engine.transaction():
            yield


async def fetch_each(statements: list[Statement]) -> list[list[dict[str, Any]]]:
    """The rows of each statement, in the current snapshot, in one trip to the database.

    Each trip cost about as much as an outlet's statement. SQLite runs them one after
    another on the snapshot's thread; PostgreSQL as one statement whose columns are
    each statement's rows as JSON, so they suit rows of text and whole numbers.
    """
    engine: Any = engine_finder()
    transaction = engine.current_transaction.get()
    connection = getattr(transaction, "connection", None)
    if isinstance(connection, SnapshotConnection):
        compiled = [
            QueryString(sql, *args).compile_string(engine_type=engine.engine_type)
            for sql, args in statements
        ]
        return await connection.fetch_each([(sql, list(args)) for sql, args in compiled])
    if isinstance(engine, PostgresEngine) and len(statements) > 1:
        columns = ", ".join(
            f"(SELECT COALESCE(json_agg(rows), '[]') FROM ({sql}) AS rows) AS r{i}"  # noqa: S608 - the report modules' statements, values bound
            for i, (sql, _) in enumerate(statements)
        )
        args = [arg for _, statement_args in statements for arg in statement_args]
        (row,) = await engine.run_querystring(QueryString(f"SELECT {columns}", *args))
        return [json.loads(row[f"r{i}"]) for i in range(len(statements))]
    return [await engine.run_querystring(QueryString(sql, *args)) for sql, args in statements]
