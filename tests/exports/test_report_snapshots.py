"""Report snapshots on kept connections: fresh data each time, nothing left open.

On SQLite a report borrows a kept read-only connection instead of opening one
(core/sqlite_engine.py); on PostgreSQL a pooled connection. Either way the next
report must see what was logged since, and a report whose client went away
must hand its connection back without a transaction still open.
"""

import asyncio
import os
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from accounts.tables import Branch
from core.sqlite_engine import OneHopSQLiteEngine
from exports.report_sql import one_snapshot
from tests.database import backend
from tests.interceptions.conftest import new_body

WINDOW = {"from": "2025-01-01", "to": "2025-12-31"}


async def _pending(client, headers) -> int:
    response = await client.get("/api/reports/summary", params=WINDOW, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["interceptions"]["pending"])


async def test_each_report_sees_what_was_logged_before_it(client, world):
    admin = world.auth("admin")
    # More reports than the connections kept, so that later ones reuse earlier ones'.
    before = [await _pending(client, admin) for _ in range(10)]
    assert set(before) == {before[0]}
    for logged in range(1, 4):
        response = await client.post(
            "/api/interceptions", json=new_body(), headers=world.auth("staff_lk")
        )
        assert response.status_code == 201, response.text
        # Side by side too: each report borrows a connection of its own.
        seen = await asyncio.gather(*(_pending(client, admin) for _ in range(3)))
        assert seen == [before[0] + logged] * 3


async def _readers_left() -> int:
    """Transactions of the test database still open outside this one."""
    if backend() == "sqlite":
        path = os.environ["FANGZHA_SQLITE_PATH"]
        db = sqlite3.connect(path, timeout=0)
        try:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            db.close()
        # A reader still holding its snapshot keeps the log from being emptied.
        return int(busy)
    rows = await Branch.raw(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
        "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
    )
    return int(rows[0]["n"])


async def test_a_report_cancelled_midway_leaves_no_transaction_open(database, world):
    reading = asyncio.Event()

    async def report() -> None:
        async with one_snapshot():
            await Branch.select(Branch.code)
            reading.set()
            await asyncio.Event().wait()  # the client has gone; it never finishes

    task = asyncio.create_task(report())
    await reading.wait()
    # Written after the report's snapshot began: the log holds it until that reader ends.
    await Branch.insert(
        Branch(code="SNAP", name="SNAP", parent=None, path="/", languages="[]", address="")
    )
    assert await _readers_left() == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    for _ in range(100):
        if await _readers_left() == 0:
            break
        await asyncio.sleep(0.05)
    assert await _readers_left() == 0
    # The connection it handed back serves the next report, with the new row.
    async with one_snapshot():
        codes = {row["code"] for row in await Branch.select(Branch.code)}
    assert "SNAP" in codes


def _database_with(path: Path, names: list[str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE place (name TEXT)")
        db.executemany("INSERT INTO place VALUES (?)", [(name,) for name in names])
    db.close()


async def test_a_replaced_database_file_is_read_afresh(tmp_path):
    """As after a restore: kept connections must not go on reading the file replaced."""
    path = tmp_path / "fangzha.sqlite"
    _database_with(path, ["六库"])
    engine = OneHopSQLiteEngine(path=str(path))
    query = "SELECT name FROM place ORDER BY name"

    async def read() -> tuple[list[str], list[str]]:
        async with engine.snapshot() as transaction:
            lent = await transaction.connection.execute_fetchall(query)
        alone = await engine._run_in_new_connection(query)
        return [row["name"] for row in lent], [row["name"] for row in alone]

    assert await read() == (["六库"], ["六库"])
    _database_with(tmp_path / "restored.sqlite", ["六库", "泸水"])
    os.replace(tmp_path / "restored.sqlite", path)
    assert await read() == (["六库", "泸水"], ["六库", "泸水"])


@pytest.mark.postgres_only
async def test_a_postgres_snapshot_reads_one_snapshot_and_leaves_no_settings_behind(database):
    from piccolo.engine.finder import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    query = (
        "SELECT pg_backend_pid() AS pid, current_setting('transaction_isolation') AS isolation,"
        " current_setting('transaction_read_only') AS read_only,"
        " current_setting('plan_cache_mode') AS plans"
    )
    async with one_snapshot():
        inside = (await Branch.raw(query))[0]
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            await Branch.insert(
                Branch(code="RO", name="RO", parent=None, path="/", languages="[]", address="")
            )
    assert (inside["isolation"], inside["read_only"], inside["plans"]) == (
        "repeatable read",
        "on",
        "force_custom_plan",
    )
    # The pool hands the connection back as it was: the settings were the transaction's.
    engine = engine_finder()
    assert isinstance(engine, PostgresEngine)
    assert engine.pool is not None
    pool = engine.pool
    held = [await pool.acquire() for _ in range(pool.get_size())]
    try:
        same = [c for c in held if c.get_server_pid() == inside["pid"]]
        assert len(same) == 1
        assert await same[0].fetchval("SHOW plan_cache_mode") == "auto"
        assert await same[0].fetchval("SELECT current_setting('transaction_read_only')") == "off"
    finally:
        for connection in held:
            await pool.release(connection)
    assert not await Branch.exists().where(Branch.code == "RO")
