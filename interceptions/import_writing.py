"""Storing checked import rows: all of them or none, in one short write transaction.

Everything that takes time (reading, checking, masking, building each row and
its history entry) is done before, and the rows wait in a spool file. Staff
keep logging interceptions while a large file is stored, so the transaction
that makes the rows visible must be short, and hold the locks a single POST
needs only for a moment:

- SQLite has one write lock for the whole file. The rows are first copied into
  a staging database file of their own (no lock on ours), then moved with a
  few INSERT … SELECT statements (interceptions/import_sqlite.py).
- PostgreSQL locks rows: a POST waits only for the tally rows the import also
  adds to. The rows are copied into a temporary table, then one statement
  inserts them and their history; the statement trigger tallies them at its
  end, just before COMMIT.
"""

import sqlite3
from datetime import datetime
from typing import BinaryIO

import anyio.to_thread
import asyncpg
from piccolo.engine.postgres import PostgresEngine

from core.errors import Conflict
from core.transactions import write_transaction
from interceptions.import_rows import NAMES, NEW_ROW_COLUMNS, next_chunk
from interceptions.import_sqlite import store_on_sqlite
from interceptions.tables import Interception

_RACED = (
    "Some rows were logged by someone else while the file was checked; "
    "send the file again (rows already stored are then skipped)."
)
_GONE = (
    "An event or branch that some rows refer to was removed while the file was checked; "
    "send the file again to check it anew."
)


def _is_unique_violation(error: Exception) -> bool:
    if isinstance(error, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


_STAGE = "import_new_row"
_POSTGRES_STAGE = (
    f"CREATE TEMPORARY TABLE {_STAGE} ON COMMIT DROP AS "  # noqa: S608 - names from the table
    f"SELECT 0::bigint AS ordinal, {NAMES}, ''::text AS changes FROM interception WITH NO DATA"
)
# The history's INSERT takes the new ids from the rows' INSERT, in one statement,
# so that the tally trigger (which runs at the statement's end) is its last step.
_POSTGRES_MOVE = (
    f"WITH new AS (INSERT INTO interception ({NAMES}) "  # noqa: S608 - names from the table
    f"SELECT {NAMES} FROM {_STAGE} ORDER BY ordinal RETURNING id, client_ref) "
    'INSERT INTO interception_change (interception, "at", "user", action, changes) '
    "SELECT new.id, $1::timestamptz, $2::integer, 'create', s.changes::json "
    f"FROM new JOIN {_STAGE} s USING (client_ref) ORDER BY s.ordinal"
)


async def _store_postgres(spool: BinaryIO, user_id: int, now: datetime) -> None:
    columns = ["ordinal", *(c._meta.db_column_name for c in NEW_ROW_COLUMNS), "changes"]
    ordinal = 0
    async with write_transaction(Interception) as transaction:
        connection = transaction.connection
        await connection.execute(_POSTGRES_STAGE)
        # A chunk at a time, so memory holds one chunk however long the file.
        while chunk := await anyio.to_thread.run_sync(next_chunk, spool):
            records = [(ordinal + n, *row.values, row.changes) for n, row in enumerate(chunk)]
            ordinal += len(chunk)
            await connection.copy_records_to_table(_STAGE, records=records, columns=columns)
        await connection.execute(_POSTGRES_MOVE, now, user_id)


async def store_prepared(spool: BinaryIO, user_id: int, now: datetime) -> None:
    """Insert every spooled row and its history entry in one transaction."""
    try:
        if isinstance(Interception._meta.db, PostgresEngine):
            await _store_postgres(spool, user_id, now)
        else:
            await store_on_sqlite(spool, user_id, now)
    except (sqlite3.IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError) as exc:
        # Someone logged one of these client_refs, or removed a referred event,
        # after the check; the transaction rolled back, nothing is stored.
        raise Conflict(_RACED if _is_unique_violation(exc) else _GONE) from None
