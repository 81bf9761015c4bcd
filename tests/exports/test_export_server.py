"""Exports on a real server process: memory stays flat, the event loop stays free.

The server runs in its own process with a ceiling on its address space, set
after it has warmed up: an export that built the file in memory (as exports
once did: +346 MB for 100,000 rows as CSV, +627 MB as XLSX) would hit it.
"""

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.fixtures import PASSWORD

ROWS = 110_000
HEADROOM = 250 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def _vm_size(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


@pytest.fixture
def server(world) -> Iterator[tuple[str, subprocess.Popen]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # glibc reserves 64 MB of address space per thread arena; two keep the ceiling honest.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _seed(world, count: int) -> None:
    """Many interceptions at once, as the import writes them (driver bulk insert)."""
    from core.transactions import write_transaction
    from interceptions.import_rows import NEW_ROW_COLUMNS, sqlite_insert
    from interceptions.tables import Interception

    postgres = type(Interception._meta.db).__name__ == "PostgresEngine"
    insert = sqlite_insert()
    start = datetime(2025, 12, 31, tzinfo=UTC)
    rows = []
    for n in range(count):
        record = Interception(
            client_ref=f"srv-{n}",
            occurred_at=start - timedelta(minutes=n),
            branch=world.branches["NJ-LK"],
            logged_by=world.users["staff_lk"],
            channel="counter",
            fraud_type="fake_investment",
            amount_saved_fen=100 + n,
            description=f"第{n}笔：老人欲向投资导师转账，柜员劝阻成功",
            created_at=start,
            updated_at=start,
        )
        rows.append(tuple(getattr(record, c._meta.name) for c in NEW_ROW_COLUMNS))
    names = [c._meta.db_column_name for c in NEW_ROW_COLUMNS]
    async with write_transaction(Interception) as transaction:
        for offset in range(0, count, 10_000):
            batch = rows[offset : offset + 10_000]
            if postgres:
                # One statement per batch: the tally triggers run once per statement.
                await transaction.connection.copy_records_to_table(
                    "interception", records=batch, columns=names
                )
            else:
                await transaction.connection.executemany(insert, batch)


def _login(base: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/auth/login", json={"username": "coord", "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_large_exports_stream_under_a_memory_ceiling_with_health_answering(world, server):
    import asyncio

    await _seed(world, ROWS)
    base, process = server
    auth = _login(base)
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=600) as client:
        # Warm up every code path once, then hold the process to what it uses now.
        for extension in ("csv", "xlsx"):
            warm = await client.get(
                f"/api/exports/interceptions.{extension}", params={"from": "2025-12-31"}
            )
            assert warm.status_code == 200
        ceiling = _vm_size(process.pid) + HEADROOM
        resource.prlimit(process.pid, resource.RLIMIT_AS, (ceiling, ceiling))

        lines = 0
        async with client.stream("GET", "/api/exports/interceptions.csv") as response:
            assert response.status_code == 200
            async for _ in response.aiter_lines():
                lines += 1
        assert lines == ROWS + 1  # the header, then every row

        health: list[int] = []
        done = asyncio.Event()

        async def sample() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
                while not done.is_set():
                    health.append((await probe.get("/health")).status_code)
                    await asyncio.sleep(0.2)

        sampler = asyncio.create_task(sample())
        size = 0
        async with client.stream("GET", "/api/exports/interceptions.xlsx") as response:
            assert response.status_code == 200
            async for chunk in response.aiter_bytes():
                size += len(chunk)
        answered_during_export = len(health)
        done.set()
        await sampler
    assert process.poll() is None, "the server died"
    assert size > 1024 * 1024
    # /health kept answering while the workbook was built (no bound on how fast).
    assert answered_during_export >= 3
    assert set(health) == {200}
