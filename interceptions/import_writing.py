"""Storing checked import rows in one short write transaction: all of them, or none.

Everything that takes time (reading, checking, masking, building each row and
its history entry) is done before; inside the transaction the database
driver's bulk insert writes the rows and their history. On SQLite the
transaction holds the write lock, so it must be short: `executemany` is about
ten times faster than building an INSERT per chunk of rows in Python. On
PostgreSQL each chunk is one statement (COPY, then one INSERT … SELECT for the
history): the interception tallies are kept by statement-level triggers, and a
statement per row would update the same tally rows once per row within one
transaction, each update slower than the last.
"""

import pickle
import sqlite3
from datetime import datetime
from typing import Any, BinaryIO, NamedTuple

import anyio.to_thread
import asyncpg
from piccolo.engine.postgres import PostgresEngine

from core.errors import Conflict
from core.transactions import write_transaction
from core.writer_loop import on_writer_loop
from interceptions.tables import Interception

# Every column a new row fills, in the order of PreparedRow.values; defaults come
# from the table, so a column added later needs no change here.
NEW_ROW_COLUMNS = tuple(c for c in Interception._meta.columns if not c._meta.primary_key)

_RACED = (
    "Some rows were logged by someone else while the file was checked; "
    "send the file again (rows already stored are then skipped)."
)
_GONE = (
    "An event or branch that some rows refer to was removed while the file was checked; "
    "send the file again to check it anew."
)


class PreparedRow(NamedTuple):
    values: tuple[Any, ...]
    client_ref: str
    changes: str  # the history entry's JSON


_POSTGRES_HISTORY = (
    'INSERT INTO interception_change (interception, "at", "user", action, changes) '
    "SELECT i.id, $1::timestamptz, $2::integer, 'create', c.changes::json "
    "FROM unnest($3::text[], $4::text[]) AS c(client_ref, changes) "
    "JOIN interception i ON i.client_ref = c.client_ref"
)


def _statements(postgres: bool) -> tuple[str, str]:
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in NEW_ROW_COLUMNS)
    if postgres:
        marks = ", ".join(f"${i}" for i in range(1, len(NEW_ROW_COLUMNS) + 1))
        history = _POSTGRES_HISTORY
    else:
        marks = ", ".join("?" for _ in NEW_ROW_COLUMNS)
        history = (
            'INSERT INTO interception_change (interception, "at", "user", action, changes) '
            "SELECT id, ?, ?, 'create', ? FROM interception WHERE client_ref = ?"
        )
    # Names from the table definition, values as parameters: nothing from the file.
    return f"INSERT INTO interception ({names}) VALUES ({marks})", history  # noqa: S608


def _next_chunk(spool: BinaryIO) -> list[PreparedRow]:
    try:
        chunk: list[PreparedRow] = pickle.load(spool)  # noqa: S301 - our own temporary file
    except EOFError:
        return []
    return chunk


def _is_unique_violation(error: Exception) -> bool:
    if isinstance(error, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


async def _copy_chunk(
    connection: Any, chunk: list[PreparedRow], user_id: int, now: datetime
) -> None:
    """One chunk on PostgreSQL: the rows by COPY, their history by one INSERT … SELECT."""
    await connection.copy_records_to_table(
        "interception",
        records=[row.values for row in chunk],
        columns=[c._meta.db_column_name for c in NEW_ROW_COLUMNS],
    )
    await connection.execute(
        _POSTGRES_HISTORY,
        now,
        user_id,
        [row.client_ref for row in chunk],
        [row.changes for row in chunk],
    )


@on_writer_loop
async def store_prepared(spool: BinaryIO, user_id: int, now: datetime) -> None:
    """Insert every spooled row and its history entry in one transaction."""
    postgres = isinstance(Interception._meta.db, PostgresEngine)
    insert, history = _statements(postgres)
    try:
        async with write_transaction(Interception) as transaction:
            connection = transaction.connection
            # A chunk at a time, so memory holds one chunk however long the file.
            while chunk := await anyio.to_thread.run_sync(_next_chunk, spool):
                if postgres:
                    await _copy_chunk(connection, chunk, user_id, now)
                    continue
                await connection.executemany(insert, [row.values for row in chunk])
                await connection.executemany(
                    history, [(now, user_id, row.changes, row.client_ref) for row in chunk]
                )
    except (sqlite3.IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError) as exc:
        # Someone logged one of these client_refs, or removed a referred event,
        # after the check; the transaction rolled back, nothing is stored.
        raise Conflict(_RACED if _is_unique_violation(exc) else _GONE) from None
