"""A full disk, a read-only or an unreachable database: 503 with a detail and Retry-After.

Each fault is made for real on the database under test: SQLite connections
opened read-only, or limited to the pages the file has (`max_page_count`, as
a full disk answers), or pointed at a file that cannot be opened; PostgreSQL
switched to read-only transactions, answering `disk_full` from the server,
or reached at a port where nothing listens. Writes answer 503, reads go on
where the database still answers, and everything works again afterwards.
"""

import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from app.database import close_database, open_database
from tests.database import POSTGRES_ADMIN_DSN
from tests.interceptions.conftest import new_body
from tests.tools.server import free_port, production_env, serving


def engine() -> Any:
    found = engine_finder()
    assert found is not None
    return found


def assert_unavailable(response: httpx.Response, *words: str) -> str:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for word in words:
        assert word in detail, detail
    assert int(response.headers["Retry-After"]) > 0
    return detail


async def stored_interceptions(client, world) -> int:
    listing = await client.get("/api/interceptions", headers=world.auth("admin"))
    assert listing.status_code == 200, listing.text
    return listing.json()["total"]


@contextlib.contextmanager
def sqlite_connections(**changes: Any) -> Iterator[None]:
    """Every SQLite connection the app opens meanwhile is opened with `changes`."""
    sqlite = engine()
    saved = dict(sqlite.connection_kwargs)
    sqlite.connection_kwargs.update(changes)
    try:
        yield
    finally:
        sqlite.connection_kwargs.clear()
        sqlite.connection_kwargs.update(saved)


async def admin_sql(statement: str) -> None:
    """Runs a statement from the maintenance database, which no fault here touches."""
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def fresh_pool() -> None:
    """New pool connections: PostgreSQL applies database settings when a session starts."""
    await close_database()
    await open_database()


@contextlib.asynccontextmanager
async def read_only_database() -> AsyncIterator[None]:
    if isinstance(engine(), SQLiteEngine):
        with sqlite_connections(factory=ReadOnly):
            yield
        return
    name = os.environ["FANGZHA_TEST_PG_NAME"]
    await admin_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    await fresh_pool()
    try:
        yield
    finally:
        await admin_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        await fresh_pool()


class ReadOnly(sqlite3.Connection):
    """A connection to the same file, opened read-only (as on a read-only mount)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(f"file:{quote(database)}?mode=ro", *args, **{**kwargs, "uri": True})


class PagesItHas(sqlite3.Connection):
    """A connection that may not grow the file: SQLite's answer is that of a full disk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pages = self.execute("PRAGMA page_count").fetchone()[0]
        self.execute(f"PRAGMA max_page_count = {pages}")


@contextlib.asynccontextmanager
async def full_disk() -> AsyncIterator[None]:
    if isinstance(engine(), SQLiteEngine):
        # No free pages left inside the file: new rows need it to grow.
        await engine().run_ddl("VACUUM")
        with sqlite_connections(factory=PagesItHas):
            yield
        return
    # The server's own answer when it cannot extend a file (SQLSTATE 53100).
    await engine().run_ddl(
        "CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'could not extend file: No space left on device' "
        "USING ERRCODE = 'disk_full'; END $$"
    )
    await engine().run_ddl(
        "CREATE TRIGGER test_disk_full BEFORE INSERT ON interception "
        "FOR EACH ROW EXECUTE FUNCTION test_disk_full()"
    )
    try:
        yield
    finally:
        await engine().run_ddl("DROP TRIGGER test_disk_full ON interception")
        await engine().run_ddl("DROP FUNCTION test_disk_full()")


@contextlib.asynccontextmanager
async def unreachable_database(tmp_path) -> AsyncIterator[None]:
    if isinstance(engine(), SQLiteEngine):
        with sqlite_connections(database=str(tmp_path / "unmounted" / "fangzha.sqlite")):
            yield
        return
    postgres: PostgresEngine = engine()
    saved = dict(postgres.config)
    await postgres.close_connection_pool()
    postgres.config["dsn"] = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    try:
        yield
    finally:
        postgres.config.clear()
        postgres.config.update(saved)
        await open_database()


async def test_a_read_only_database_refuses_writes_with_503_and_reads_go_on(client, world):
    assert (
        await client.post("/api/interceptions", json=new_body(), headers=world.auth("staff_lk"))
    ).status_code == 201
    body = new_body()
    async with read_only_database():
        refused = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
        assert_unavailable(refused, "read-only", "nothing was saved")
        assert await stored_interceptions(client, world) == 1
        feed = await client.get("/calendar.ics")
        assert feed.status_code == 200
        summary = await client.get("/api/reports/summary", headers=world.auth("coord"))
        assert summary.status_code == 200
    # The same request, sent again once the database takes writes, is stored.
    again = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert again.status_code == 201, again.text
    assert await stored_interceptions(client, world) == 2


async def test_a_full_disk_refuses_writes_with_503_and_keeps_nothing_half_written(client, world):
    answers: list[int] = []
    async with full_disk():
        # Rows fill what room the file has left; the first that needs more is refused.
        for _ in range(300):
            body = new_body(description="柜台劝阻老人转账" * 100)
            response = await client.post(
                "/api/interceptions", json=body, headers=world.auth("staff_lk")
            )
            answers.append(response.status_code)
            if response.status_code != 201:
                break
        assert_unavailable(response, "storage", "nothing was saved")
        assert answers[:-1] == [201] * (len(answers) - 1)
        assert await stored_interceptions(client, world) == len(answers) - 1
    # Room again: the refused interception goes in, once, with its history.
    again = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert again.status_code == 201, again.text
    assert await stored_interceptions(client, world) == len(answers)
    history = await client.get(
        f"/api/interceptions/{again.json()['id']}/history", headers=world.auth("staff_lk")
    )
    assert [item["action"] for item in history.json()["items"]] == ["create"]


async def test_an_unreachable_database_is_a_503_and_health_says_degraded(client, world, tmp_path):
    async with unreachable_database(tmp_path):
        health = await client.get("/health")
        assert health.status_code == 503
        assert health.json() == {"status": "degraded", "database": "unreachable"}
        write = await client.post(
            "/api/interceptions", json=new_body(), headers=world.auth("staff_lk")
        )
        assert_unavailable(write, "cannot be reached")
        read = await client.get("/api/interceptions", headers=world.auth("staff_lk"))
        assert_unavailable(read, "cannot be reached")
    health = await client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok"}


async def drop_server_connections(name: str) -> None:
    """Ends every session of the test database but the caller's, as a restart would."""
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=10)
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await connection.close()


@pytest.mark.postgres_only
async def test_a_serving_process_rides_out_a_read_only_spell_and_lost_connections(world, tmp_path):
    name = os.environ["FANGZHA_TEST_PG_NAME"]
    staff = world.auth("staff_lk")
    with serving(production_env(), tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            first = await client.post("/api/interceptions", json=new_body(), headers=staff)
            assert first.status_code == 201, first.text
            await admin_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            try:
                # The server's pooled sessions die; the ones it opens next are read-only.
                await drop_server_connections(name)
                body = new_body()
                for _ in range(3):
                    refused = await client.post("/api/interceptions", json=body, headers=staff)
                    assert_unavailable(refused)
                assert_unavailable(refused, "read-only")
                listing = await client.get("/api/interceptions", headers=staff)
                assert listing.status_code == 200
                assert listing.json()["total"] == 1
                assert (await client.get("/health")).status_code == 200
            finally:
                await admin_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
            await drop_server_connections(name)
            # Writable sessions again, with no restart: the retried interception is stored once.
            answers = [
                (await client.post("/api/interceptions", json=body, headers=staff)).status_code
                for _ in range(3)
            ]
            assert answers[0] in (201, 503)
            assert answers[-1] == 200
            listing = await client.get("/api/interceptions", headers=staff)
            assert listing.json()["total"] == 2
    # Never a 500 meanwhile: every failure was understood.
    assert "Unhandled error" not in (tmp_path / "server.log").read_text()
