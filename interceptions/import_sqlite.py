"""SQLite: an import's rows staged in a database file of their own, then moved at once.

Writing 20,000 rows straight into our file held its single write lock for
1.6 s (each row also ran eight tally upserts), and every staff member logging
an interception meanwhile waited for all of it. Here the rows are first
written to a staging file in a worker thread, which locks nothing of ours.
Their tallies are summed there too. Then, on the writer thread
(core/writer_loop.py), one short transaction moves the rows with INSERT …
SELECT, adds their history, and adds the summed tallies while the row trigger
stands aside (interception_tally_pause, see the migration of 2026-11-30T13:00).
"""

import os
import sqlite3
import tempfile
from datetime import datetime
from typing import BinaryIO

import anyio.to_thread

from core.sqlite_engine import OneHopSQLiteEngine
from core.writer_loop import on_writer_loop
from interceptions.import_rows import NAMES, NEW_ROW_COLUMNS, next_chunk
from interceptions.tables import Interception

_SCHEMA = "import_stage"

# Names from the table definition, values as parameters: nothing from the file.
# The rows take the ids SQLite would give them (one more than the largest, in
# the file's order), written out so that their history needs no lookup.
_MOVE = (
    f"INSERT INTO interception (id, {NAMES}) "  # noqa: S608
    f"SELECT ? + ordinal, {NAMES} FROM {_SCHEMA}.new_row ORDER BY ordinal"
)
_HISTORY = (
    'INSERT INTO interception_change (interception, "at", "user", action, changes) '  # noqa: S608
    f"SELECT ? + ordinal, ?, ?, 'create', changes FROM {_SCHEMA}.new_row ORDER BY ordinal"
)
_KEY = "month, branch, status, breakdown, value"
_ADD_TALLY = (
    f"INSERT INTO interception_tally ({_KEY}, n, fen) "  # noqa: S608
    f"SELECT {_KEY}, n, fen FROM {_SCHEMA}.tally WHERE true "
    # `WHERE true` above tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    f"ON CONFLICT ({_KEY}) DO UPDATE SET "
    "n = interception_tally.n + excluded.n, fen = interception_tally.fen + excluded.fen"
)

# What the row trigger would add, summed per key: under the row's branch and
# under branch 0 ("every branch"), in total and by each breakdown.
_BREAKDOWNS = {
    "total": "''",
    "fraud_type": "fraud_type",
    "channel": "channel",
    "victim_age_band": "victim_age_band",
}


def _tally_statement() -> str:
    by_kind = (
        "SELECT strftime('%Y-%m', occurred_at, '+8 hours') AS month, branch, status, "
        "fraud_type, channel, victim_age_band, COUNT(*) AS n, SUM(amount_saved_fen) AS fen "
        "FROM new_row GROUP BY 1, 2, 3, 4, 5, 6"
    )
    union = " UNION ALL ".join(
        f"SELECT month, {branch} AS branch, status, '{name}' AS breakdown, {value} AS value, "  # noqa: S608
        f"SUM(n) AS n, SUM(fen) AS fen FROM by_kind GROUP BY 1, 2, 3, 4, 5"
        for name, value in _BREAKDOWNS.items()
        for branch in ("branch", "0")
    )
    return f"CREATE TABLE tally AS WITH by_kind AS ({by_kind}) {union}"


def _stage(spool: BinaryIO, path: str) -> None:
    """Copy the spooled rows into a new staging file and tally them (in a worker thread)."""
    marks = ", ".join("?" for _ in range(len(NEW_ROW_COLUMNS) + 1))
    connection = sqlite3.connect(path)
    try:
        # A throwaway file: no journal, no waiting for the disk.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"CREATE TABLE new_row (ordinal INTEGER PRIMARY KEY, {NAMES}, changes)")
        with connection:
            while chunk := next_chunk(spool):
                connection.executemany(
                    f"INSERT INTO new_row ({NAMES}, changes) VALUES ({marks})",  # noqa: S608
                    [(*row.values, row.changes) for row in chunk],
                )
            connection.execute(_tally_statement())
    finally:
        connection.close()


def _move(connection: sqlite3.Connection, path: str, user_id: int, now: datetime) -> None:
    # ATTACH and DETACH are refused inside a transaction: they go around it.
    connection.execute(f"ATTACH DATABASE ? AS {_SCHEMA}", (path,))
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            last = connection.execute("SELECT COALESCE(MAX(id), 0) AS id FROM interception")
            base = last.fetchone()["id"]
            # The row trigger stands aside; the tally is added once, already summed.
            connection.execute("INSERT INTO interception_tally_pause (id) VALUES (1)")
            connection.execute(_MOVE, (base,))
            connection.execute(_HISTORY, (base, now, user_id))
            connection.execute(_ADD_TALLY)
            connection.execute("DELETE FROM interception_tally_pause")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.execute(f"DETACH DATABASE {_SCHEMA}")


@on_writer_loop
async def _move_on_writer_thread(path: str, user_id: int, now: datetime) -> None:
    engine = Interception._meta.db
    assert isinstance(engine, OneHopSQLiteEngine), "piccolo_conf.py names the engine"
    # The writer thread blocks on its own statements: nothing else is waiting on it.
    _move(engine.writer_connection(), path, user_id, now)


async def store_on_sqlite(spool: BinaryIO, user_id: int, now: datetime) -> None:
    with tempfile.TemporaryDirectory(prefix="fangzha-import-") as folder:
        path = os.path.join(folder, "stage.sqlite")
        await anyio.to_thread.run_sync(_stage, spool, path)
        await _move_on_writer_thread(path, user_id, now)
