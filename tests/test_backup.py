"""`fangzha backup` while a real server serves and writes; `fangzha restore` into an empty database.

The restored database must equal the original table by table, row by row, as
of one moment during the backup: every table of the schema equal, and the
interceptions written meanwhile cut at one point with their history. Then it
must serve: /health, a sign-in, a summary.
"""

import os
import sqlite3
import stat
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.database import POSTGRES_ADMIN_DSN, backend
from tests.fixtures import PASSWORD
from tests.interceptions.conftest import new_body
from tests.tools.server import FANGZHA, REPO, production_env, serving

Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]
WRITTEN = ("interception", "interception_change")
# Counted from `interception` by triggers, so it moves with every write.
DERIVED = ("interception_tally",)


def fangzha(env: dict[str, str], *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(FANGZHA), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == expect, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


@asynccontextmanager
async def empty_database(tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """The environment of a new, empty database of the kind under test (dropped afterwards)."""
    if backend() == "sqlite":
        yield production_env(FANGZHA_SQLITE_PATH=str(tmp_path / "restored" / "fangzha.sqlite"))
        return
    name = f"{os.environ['FANGZHA_TEST_PG_NAME']}_r{uuid.uuid4().hex[:6]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield production_env(DATABASE_URL=f"{POSTGRES_ADMIN_DSN.rsplit('/', 1)[0]}/{name}")
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def every_table(env: dict[str, str]) -> Rows:
    """Every table of the database: its columns and its rows in a canonical order."""
    if "DATABASE_URL" in env:
        return await _postgres_tables(env["DATABASE_URL"])
    with sqlite3.connect(f"file:{env['FANGZHA_SQLITE_PATH']}?mode=ro", uri=True) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables: Rows = {}
        for name in names:
            cursor = db.execute(f'SELECT * FROM "{name}"')  # noqa: S608 - names from the catalog
            columns = [column[0] for column in cursor.description]
            tables[name] = (columns, sorted(cursor.fetchall(), key=repr))
    return tables


async def _postgres_tables(dsn: str) -> Rows:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        names = [
            row["table_name"]
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        tables: Rows = {}
        for name in names:
            columns = [
                row["column_name"]
                for row in await connection.fetch(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    name,
                )
            ]
            rows = await connection.fetch(f'SELECT * FROM "{name}"')  # noqa: S608 - catalog names
            tables[name] = (columns, sorted((tuple(row.values()) for row in rows), key=repr))
    finally:
        await connection.close()
    return tables


class Writer(threading.Thread):
    """Logs interceptions through the API, one after another, until stopped."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.headers = headers
        self.acknowledged: list[int] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            while not self.stop.is_set():
                response = client.post("/api/interceptions", json=new_body())
                if response.status_code == 201:
                    self.acknowledged.append(response.json()["id"])
                else:
                    self.failures.append(f"{response.status_code} {response.text[:200]}")

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.acknowledged) < count:
            assert not self.failures, self.failures
            assert time.monotonic() < deadline, "the writer stalled"
            time.sleep(0.02)


def interception_id(table: str, columns: list[str], row: tuple[Any, ...]) -> int:
    return int(row[columns.index("id" if table == "interception" else "interception")])


def assert_restored_as_of_one_moment(original: Rows, restored: Rows) -> set[int]:
    """Equal table by table, but for the interceptions written after the backup's moment."""
    assert sorted(restored) == sorted(original)
    assert set(WRITTEN) <= set(original)
    for table, (columns, rows) in original.items():
        restored_columns, restored_rows = restored[table]
        assert restored_columns == columns, table
        if table not in WRITTEN + DERIVED:
            assert restored_rows == rows, table
    kept = {
        interception_id("interception", *restored["interception"][:1], row)
        for row in restored["interception"][1]
    }
    # One moment: the kept interceptions are all those up to one id, nothing after.
    every = sorted(
        interception_id("interception", original["interception"][0], row)
        for row in original["interception"][1]
    )
    assert kept == set(every[: len(kept)])
    for table in WRITTEN:
        columns, rows = original[table]
        expected = [row for row in rows if interception_id(table, columns, row) in kept]
        assert restored[table][1] == expected, table
    # Each kept interception came with its history, and no history without one.
    columns, history = restored["interception_change"]
    assert {interception_id("interception_change", columns, row) for row in history} == kept
    assert_tally_without(original, restored, kept)
    return kept


def assert_tally_without(original: Rows, restored: Rows, kept: set[int]) -> None:
    """The restored tally is the original less exactly the interceptions not kept."""
    columns, rows = original["interception"]
    dropped = [row for row in rows if row[columns.index("id")] not in kept]
    dropped_fen = sum(row[columns.index("amount_saved_fen")] for row in dropped)

    def network_total(tables: Rows) -> tuple[int, int]:
        tally_columns, tally_rows = tables["interception_tally"]
        at = {name: tally_columns.index(name) for name in ("branch", "breakdown", "n", "fen")}
        totals = [r for r in tally_rows if r[at["branch"]] == 0 and r[at["breakdown"]] == "total"]
        return sum(r[at["n"]] for r in totals), sum(r[at["fen"]] for r in totals)

    original_n, original_fen = network_total(original)
    restored_n, restored_fen = network_total(restored)
    assert original_n == len(rows)
    assert (original_n - restored_n, original_fen - restored_fen) == (len(dropped), dropped_fen)


async def test_a_backup_taken_while_serving_restores_equal_table_by_table(world, tmp_path):
    env = production_env()
    backup = tmp_path / "fangzha.backup"
    with serving(env, tmp_path / "server.log") as base:
        writer = Writer(base, world.auth("staff_lk"))
        writer.start()
        try:
            writer.wait_for(5)
            before = len(writer.acknowledged)
            made = fangzha(env, "backup", str(backup))
            after = len(writer.acknowledged)
            writer.wait_for(after + 3)
        finally:
            writer.stop.set()
            writer.join(timeout=60)
    assert not writer.failures, writer.failures
    # The server went on writing while the backup ran.
    assert after > before
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert "Backup complete" in made.stderr
    progress = "pages" if backend() == "sqlite" else "table 1 of"
    assert progress in made.stderr

    original = await every_table(env)
    async with empty_database(tmp_path) as restored_env:
        restored_made = fangzha(restored_env, "restore", str(backup))
        assert "Restore complete" in restored_made.stderr
        restored = await every_table(restored_env)
        kept = assert_restored_as_of_one_moment(original, restored)
        # Everything acknowledged before the backup began is in it; at most the one
        # write in flight when it ended is there beyond what was acknowledged by then.
        assert set(writer.acknowledged[:before]) <= kept
        assert len(kept) <= after + 1
        assert len(kept) < len(writer.acknowledged)

        # The migrations state came along: migrating again changes nothing.
        migrated = fangzha(restored_env, "migrate")
        assert "Running" not in migrated.stdout
        assert await every_table(restored_env) == restored

        with serving(restored_env, tmp_path / "restored.log") as restored_base:
            async with httpx.AsyncClient(base_url=restored_base) as client:
                assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}
                login = await client.post(
                    "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
                )
                assert login.status_code == 200, login.text
                token = login.json()["token"]
                summary = await client.get(
                    "/api/reports/summary",
                    params={"from": "2025-01-01", "to": "2025-12-31"},
                    headers={"Authorization": f"Bearer {token}"},
                )
    assert summary.status_code == 200, summary.text
    assert summary.json()["interceptions"]["pending"] == len(kept)


async def test_restore_refuses_a_database_that_is_not_empty_unless_forced(world, tmp_path):
    env = production_env()
    backup = tmp_path / "quiet.backup"
    fangzha(env, "backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # A backup never overwrites a file by accident.
    again = fangzha(env, "backup", str(backup), expect=1)
    assert "exists already" in again.stderr
    assert "Traceback" not in again.stderr

    original = await every_table(env)
    refused = fangzha(env, "restore", str(backup), expect=1)
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr

    async with empty_database(tmp_path) as restored_env:
        fangzha(restored_env, "restore", str(backup))
        assert await every_table(restored_env) == original
        # Forced over a database with data: the backup's content, nothing else.
        with serving(restored_env, tmp_path / "restored.log") as base:
            async with httpx.AsyncClient(base_url=base, headers=world.auth("staff_lk")) as client:
                added = await client.post("/api/interceptions", json=new_body())
            assert added.status_code == 201, added.text
        assert await every_table(restored_env) != original
        forced = fangzha(restored_env, "restore", "--force", str(backup))
        assert "Restore complete" in forced.stderr
        assert await every_table(restored_env) == original


@pytest.mark.parametrize(
    "content", [b"", b"not a backup at all", b"SQLite format 3\x00junk", b"PGDMP junk"]
)
async def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, content):
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(content)
    async with empty_database(tmp_path) as restored_env:
        refused = fangzha(restored_env, "restore", str(bogus), expect=1)
    assert "Restore failed" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_database_password_reaches_the_postgres_tools_only_through_their_environment():
    from operations.postgres_backup import libpq_target

    address, env = libpq_target("postgres://fangzha:s%40cret@db.lan:5433/fangzha?sslmode=require")
    assert address == "postgres://fangzha@db.lan:5433/fangzha?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"
    plain, plain_env = libpq_target("postgres://postgres@127.0.0.1/x")
    assert plain == "postgres://postgres@127.0.0.1/x"
    assert plain_env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")
