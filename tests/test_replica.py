"""Reads from a PostgreSQL replica (DATABASE_REPLICA_URL) through a real `fangzha serve`.

Two ways to stand a replica beside the test database:

- by default, another database on the same server, migrated, loaded with the
  demo and made read-only. Its content differs from the primary's, so each
  answer shows which node it came from: feeds, lists and reports must come
  from it; sign-in, writes and reading one's own record from the primary.
  Being read-only, it also proves that no routed request writes.
- under drills/replica.py, a real streaming replica of the test server
  (FANGZHA_TEST_REPLICA_POSTGRES): a write through the API then shows up in
  the replica-read feed and list within the replication lag.
"""

import os
import time
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from tests.database import POSTGRES_ADMIN_DSN, backend
from tests.exports.test_feed_version import _titles
from tests.interceptions.conftest import new_body
from tests.test_backup import fangzha
from tests.test_workers import _event_body
from tests.tools.server import production_env, serving

pytestmark = pytest.mark.skipif(
    backend() != "postgres", reason="replicas are a PostgreSQL deployment (this is the SQLite run)"
)
REAL_REPLICA = os.environ.get("FANGZHA_TEST_REPLICA_POSTGRES", "")


async def _admin(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
async def replica_url() -> AsyncIterator[str]:
    name = os.environ["FANGZHA_TEST_PG_NAME"]
    if REAL_REPLICA:
        yield f"{REAL_REPLICA.rsplit('/', 1)[0]}/{name}"
        return
    copy = f"{name}_ro{uuid.uuid4().hex[:6]}"
    await _admin(POSTGRES_ADMIN_DSN, f'CREATE DATABASE "{copy}"')
    url = f"{POSTGRES_ADMIN_DSN.rsplit('/', 1)[0]}/{copy}"
    try:
        env = production_env(DATABASE_URL=url)
        fangzha(env, "migrate")
        fangzha(env, "demo")
        await _admin(
            POSTGRES_ADMIN_DSN, f'ALTER DATABASE "{copy}" SET default_transaction_read_only = on'
        )
        yield url
    finally:
        await _admin(POSTGRES_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def _list_titles(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.skipif(bool(REAL_REPLICA), reason="the separate-database replica only")
async def test_feeds_lists_and_reports_read_the_replica_writes_go_to_the_primary(
    world, tmp_path, replica_url
):
    env = production_env(DATABASE_REPLICA_URL=replica_url)
    with serving(env, tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            coord = world.auth("coord")
            created = await client.post(
                "/api/events", json=_event_body(world, "主库讲座"), headers=coord
            )
            assert created.status_code == 201, created.text
            event_id = created.json()["id"]
            # Reading one's own write: from the primary.
            own = await client.get(f"/api/events/{event_id}", headers=coord)
            assert own.status_code == 200
            assert own.json()["title"] == "主库讲座"

            # Feeds and lists: from the replica, whose events are the demo's.
            feed = await client.get("/calendar.ics")
            assert feed.status_code == 200, feed.text
            feed_titles = _titles(feed.text)
            assert "主库讲座" not in feed_titles
            assert any("讲座" in title or "沙龙" in title for title in feed_titles), feed_titles
            listed = _list_titles(await client.get("/api/events", params={"limit": 200}))
            assert "主库讲座" not in listed
            assert listed & feed_titles

            # Reports: the demo's 2025 on the replica, whatever the primary holds.
            admin = world.auth("admin")
            summary = await client.get(
                "/api/reports/summary",
                params={"from": "2025-01-01", "to": "2026-01-01T00:00:00+08:00"},
                headers=admin,
            )
            assert summary.status_code == 200, summary.text
            assert summary.json()["interceptions"]["amount_saved"] == "860000.00"

            # Writes and the record just written: the primary, even while reads are elsewhere.
            logged = await client.post(
                "/api/interceptions", json=new_body(), headers=world.auth("staff_lk")
            )
            assert logged.status_code == 201, logged.text
            again = await client.get(
                f"/api/interceptions/{logged.json()['id']}", headers=world.auth("staff_lk")
            )
            assert again.status_code == 200


@pytest.mark.skipif(not REAL_REPLICA, reason="needs drills/replica.py's streaming replica")
async def test_a_write_reaches_the_replica_read_feed_and_list_within_the_lag(
    world, tmp_path, replica_url
):
    # The replica is a hot standby: any write routed to it would fail, not pass silently.
    connection = await asyncpg.connect(replica_url, timeout=10)
    try:
        assert await connection.fetchval("SELECT pg_is_in_recovery()") is True
    finally:
        await connection.close()
    env = production_env(DATABASE_REPLICA_URL=replica_url)
    with serving(env, tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            created = await client.post(
                "/api/events", json=_event_body(world, "复制讲座"), headers=world.auth("coord")
            )
            assert created.status_code == 201, created.text
            deadline = time.monotonic() + 30
            while True:
                feed = await client.get("/calendar.ics")
                listed = _list_titles(await client.get("/api/events", params={"limit": 200}))
                assert feed.status_code == 200, feed.text
                if "复制讲座" in _titles(feed.text) and "复制讲座" in listed:
                    break
                assert time.monotonic() < deadline, "the replica did not catch up within 30 s"
                await _pause()
            logged = await client.post(
                "/api/interceptions", json=new_body(), headers=world.auth("staff_lk")
            )
            assert logged.status_code == 201, logged.text


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.2)
