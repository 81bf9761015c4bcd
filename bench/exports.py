"""Exports and imports on years of data, against a real server process.

    make bench-exports      # = .venv/bin/python bench/exports.py [--rows N]

Seeds N interceptions (default 1,000,000) with the database driver's bulk insert
into a fresh SQLite file, and into a fresh PostgreSQL database when one answers
on 127.0.0.1:5432, starts `uvicorn app.asgi:app` on it and prints, per database:
- CSV and XLSX export of every row: rows per second, time to first byte, the
  server's peak RSS growth (target < 100 MB), and `/health` latency sampled
  during the export against the same server idle (target p99 < 100 ms);
- the longest wait of a single interception POST while a 20,000-row import
  runs, against the same POST on an idle server (target <= 500 ms).
Shared machines are noisy: read the ratios beside the milliseconds.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("FANGZHA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway database
IMPORT_ROWS = 20_000


# ---------------------------------------------------------------- seeding (in a child process)


async def _seed(rows: int) -> None:
    from piccolo.engine.postgres import PostgresEngine

    from accounts.passwords import make_password_hash
    from accounts.tables import Branch, User
    from app.database import close_database, migrate, open_database
    from core.transactions import write_transaction
    from interceptions.import_rows import NEW_ROW_COLUMNS, sqlite_insert
    from interceptions.tables import Interception

    await open_database()
    await migrate()
    branch = (
        await Branch.insert(
            Branch(code="NJ", name="怒江分行", path="", languages="[]", address="")
        ).returning(Branch.id)
    )[0]["id"]
    await Branch.update({Branch.path: f"/{branch}/"}).where(Branch.id == branch)
    users = []
    for name, role in (("bench_admin", "admin"), ("bench_staff", "staff")):
        users.append(
            (
                await User.insert(
                    User(
                        username=name,
                        display_name=name,
                        role=role,
                        branch=branch,
                        password_hash=await make_password_hash(PASSWORD),
                        active=True,
                        created_at=datetime.now(UTC),
                    )
                ).returning(User.id)
            )[0]["id"]
        )
    postgres = isinstance(Interception._meta.db, PostgresEngine)
    insert = sqlite_insert()
    start = datetime(2025, 12, 31, tzinfo=UTC)
    fraud_types = ["fake_investment", "order_brushing", "fake_loan", "impersonating_authorities"]
    names = [c._meta.db_column_name for c in NEW_ROW_COLUMNS]
    chunk = 50_000
    for offset in range(0, rows, chunk):
        batch = []
        for n in range(offset, min(rows, offset + chunk)):
            record = Interception(
                client_ref=f"bench-{n}",
                occurred_at=start - timedelta(minutes=3 * n),
                branch=branch,
                logged_by=users[1],
                channel="counter",
                fraud_type=fraud_types[n % 4],
                amount_saved_fen=(n * 7919) % 10_000_000,
                victim_age_band="60_plus",
                description=f"第{n}笔：老人欲向“投资导师”转账，柜员劝阻成功",
                status="verified" if n % 3 else "logged",
                created_at=start,
                updated_at=start,
            )
            batch.append(tuple(getattr(record, c._meta.name) for c in NEW_ROW_COLUMNS))
        async with write_transaction(Interception) as transaction:
            if postgres:
                await transaction.connection.copy_records_to_table(
                    "interception", records=batch, columns=names
                )
            else:
                await transaction.connection.executemany(insert, batch)
    await close_database()


# ---------------------------------------------------------------- measuring


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak(pid: int) -> None:
    # Linux: writing 5 resets the peak RSS (VmHWM) to the current RSS.
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _health_samples(base: str, stop: asyncio.Event, into: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
        while not stop.is_set():
            started = time.perf_counter()
            response = await probe.get("/health")
            into.append(time.perf_counter() - started)
            assert response.status_code == 200
            await asyncio.sleep(0.05)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


async def _child_peaks(pid: int, stop: asyncio.Event, peaks: dict[int, int]) -> None:
    """The peak RSS of each process the worker starts (the XLSX workbook's writer)."""
    while not stop.is_set():
        for child in _children(pid):
            try:
                peaks[child] = max(peaks.get(child, 0), _status(child, "VmHWM"))
            except (FileNotFoundError, ProcessLookupError, RuntimeError):
                continue  # gone, or a zombie whose memory is released
        await asyncio.sleep(0.05)


async def _idle_health(base: str, count: int = 60) -> list[float]:
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
        for _ in range(count):
            started = time.perf_counter()
            await probe.get("/health")
            samples.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)
    return samples


async def _export(base: str, auth: dict[str, str], pid: int, extension: str, rows: int) -> None:
    _reset_peak(pid)
    before = _status(pid, "VmRSS")
    health: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_health_samples(base, stop, health))
    peaks: dict[int, int] = {}
    watcher = asyncio.create_task(_child_peaks(pid, stop, peaks))
    size = 0
    first: float | None = None
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=3600) as client:
        started = time.perf_counter()
        async with client.stream("GET", f"/api/exports/interceptions.{extension}") as response:
            assert response.status_code == 200, response.status_code
            async for chunk in response.aiter_raw():
                if first is None and chunk:
                    first = time.perf_counter() - started
                size += len(chunk)
        elapsed = time.perf_counter() - started
    stop.set()
    await sampler
    await watcher
    growth = (_status(pid, "VmHWM") - before) / 1024 / 1024
    helper = (
        f", its child process peak RSS {max(peaks.values()) / 1024 / 1024:.1f} MB" if peaks else ""
    )
    idle = await _idle_health(base)
    p99, idle_p99 = _pct(health, 0.99), _pct(idle, 0.99)
    print(
        f"  {extension.upper():4} export: {rows:,} rows in {elapsed:.1f} s = "
        f"{rows / elapsed:,.0f} rows/s, {size / 1024 / 1024:.0f} MB, "
        f"first byte {1000 * (first or 0):.0f} ms, peak RSS growth {growth:.1f} MB "
        f"(target < 100){helper}"
    )
    print(
        f"        /health during it: {len(health)} samples, p50 {1000 * _pct(health, 0.5):.0f} ms, "
        f"p99 {1000 * p99:.0f} ms (target < 100), max {1000 * max(health):.0f} ms; "
        f"idle p99 {1000 * idle_p99:.1f} ms -> ratio {p99 / idle_p99:.1f}x"
    )


def _import_file(rows: int) -> bytes:
    lines = ["client_ref,occurred_at,channel,fraud_type,amount_saved,description"]
    lines += [
        # Letters between the numbers: digits run together would read as a phone number.
        f"import-{n}x{uuid.uuid4().hex[:6]}z,2025-06-01 10:00,counter,other,{n % 1000}.50,"
        f"第{n}笔：老人欲向投资导师转账，柜员劝阻成功"
        for n in range(rows)
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


_DIGITS_AS_LETTERS = str.maketrans("0123456789", "ghijklmnop")


async def _post_one(client: httpx.AsyncClient) -> float:
    body = {
        # Letters only: a run of random digits could read as a phone number and be refused.
        "client_ref": "single-" + uuid.uuid4().hex.translate(_DIGITS_AS_LETTERS),
        "occurred_at": "2025-06-01T14:30:00+08:00",
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": "100.00",
    }
    started = time.perf_counter()
    response = await client.post("/api/interceptions", json=body)
    assert response.status_code == 201, response.text
    return time.perf_counter() - started


async def _import_while_posting(base: str, staff: dict[str, str]) -> None:
    data = _import_file(IMPORT_ROWS)
    async with httpx.AsyncClient(base_url=base, headers=staff, timeout=600) as client:
        idle = [await _post_one(client) for _ in range(20)]
        waits: list[float] = []
        started = time.perf_counter()
        big = asyncio.create_task(
            client.post(
                "/api/imports/interceptions", content=data, headers={"Content-Type": "text/csv"}
            )
        )
        while not big.done():
            waits.append(await _post_one(client))
            await asyncio.sleep(0.01)
        response = await big
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text[:300]
    idle_median = statistics.median(idle)
    print(
        f"  import of {IMPORT_ROWS:,} rows: {elapsed:.1f} s; {len(waits)} single POSTs meanwhile, "
        f"longest {1000 * max(waits):.0f} ms (target <= 500), median "
        f"{1000 * statistics.median(waits):.0f} ms; idle median {1000 * idle_median:.0f} ms "
        f"-> longest/idle {max(waits) / idle_median:.1f}x"
    )


async def _measure(base: str, pid: int, rows: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        tokens = {}
        for name in ("bench_admin", "bench_staff"):
            response = await client.post(
                "/api/auth/login", json={"username": name, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            tokens[name] = {"Authorization": f"Bearer {response.json()['token']}"}
    for extension in ("csv", "xlsx"):
        await _export(base, tokens["bench_admin"], pid, extension, rows)
    await _import_while_posting(base, tokens["bench_staff"])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen, str, int]:
    """`fangzha serve` as production runs it; also the pid of its one worker (whose RSS counts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fangzha = Path(sys.executable).with_name("fangzha")
    process = subprocess.Popen(
        [str(fangzha), "serve", "--port", str(port), "--no-request-log"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
                return process, base, int(children.split()[0])
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def _run(label: str, env: dict[str, str], rows: int) -> None:
    print(f"{label}:")
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--seed", str(rows)], cwd=ROOT, env=env, check=True)
    print(f"  seeded {rows:,} interceptions in {time.perf_counter() - started:.0f} s")
    process, base, worker = _serve(env)
    try:
        asyncio.run(_measure(base, worker, rows))
    finally:
        process.terminate()
        process.wait(30)


async def _postgres_admin(statement: str) -> str | None:
    import asyncpg

    try:
        connection = await asyncpg.connect(POSTGRES, timeout=5)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        sys.path.insert(0, str(ROOT))
        asyncio.run(_seed(args.seed))
        return
    base_env: dict[str, Any] = {**os.environ, "FANGZHA_ARGON2_TIME_COST": "1"}
    with tempfile.TemporaryDirectory(prefix="fangzha-bench-") as folder:
        env = {**base_env, "FANGZHA_SQLITE_PATH": os.path.join(folder, "bench.sqlite")}
        env.pop("DATABASE_URL", None)
        _run("SQLite", env, args.rows)
    name = f"fangzha_bench_{uuid.uuid4().hex[:10]}"
    problem = asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    if problem:
        print(f"PostgreSQL: skipped ({problem})")
        return
    try:
        url = f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
        _run("PostgreSQL", {**base_env, "DATABASE_URL": url}, args.rows)
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
