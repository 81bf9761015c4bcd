"""Load drill: feed pollers and staff logging at once against a real `fangzha serve`.

    .venv/bin/python drills/load.py [--db sqlite|postgres] [--workers N] [--seconds S]
                                    [--pollers P] [--staff K]

Loopback only and bounded in time. It makes a fresh database (a temporary
SQLite file, or a PostgreSQL database it drops afterwards), loads the demo and
K staff accounts, starts `fangzha serve --workers N`, then for S seconds:

- P concurrent feed pollers send conditional GETs of the public feed, as
  calendar apps do (wrk, a proven load generator, with the feed's ETag);
- K staff log interceptions one after another, each retried with the same
  `client_ref` after a timeout or an error until the server acknowledges it.

It prints throughput, p50/p99 latency and errors for both, the CPU the load
generators and the server used (they share the machine's cores), and then
checks the database: every acknowledged interception exists exactly once.
Exit status 1 when an error, a loss or a duplicate was found.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
FANGZHA = Path(sys.executable).with_name("fangzha")
POSTGRES_ADMIN = os.environ.get(
    "FANGZHA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "drill password 7Qx"
FEED = "/calendar.ics"
# What calendar apps send; each coding of the feed has its own ETag.
POLL_ENCODING = "gzip"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class StaffResult:
    acknowledged: dict[str, int] = field(default_factory=dict)  # client_ref → id
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # answers that were neither 200 nor 201
    retries: int = 0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _database(kind: str) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FANGZHA_ARGON2_")}
    env.pop("DATABASE_URL", None)
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="fangzha-drill-")
        try:
            yield {**env, "FANGZHA_SQLITE_PATH": f"{folder}/drill.sqlite"}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"fangzha_drill_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield {**env, "DATABASE_URL": f"{POSTGRES_ADMIN.rsplit('/', 1)[0]}/{name}"}
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _fangzha(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(FANGZHA), *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"fangzha {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _prepare(env: dict[str, str], staff: int) -> None:
    _fangzha(env, "migrate")
    _fangzha(env, "demo")
    for number in range(staff):
        _fangzha(
            env,
            "users",
            "create",
            f"--username=drill_{number}",
            "--role=staff",
            "--branch=NJ-LK",
            f"--password={PASSWORD}",
        )


@contextmanager
def _serving(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [str(FANGZHA), "serve", "--port", str(port), "--workers", str(workers), "--no-request-log"],
        env={**env, "FANGZHA_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000"},
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"the server stopped:\n{log.read().decode()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit("the server did not answer /health within 60 s")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _poll_etag(base: str) -> str:
    """The feed's ETag as a calendar app holds it, checked to answer 304 as wrk will ask."""
    coding = {"Accept-Encoding": POLL_ENCODING}
    etag = httpx.get(f"{base}{FEED}", headers=coding).headers["etag"]
    again = httpx.get(f"{base}{FEED}", headers={**coding, "If-None-Match": etag})
    if again.status_code != 304:
        raise SystemExit(f"a conditional poll answered {again.status_code}, not 304")
    return etag


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its live children (the workers)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def interception_body(staff_number: int) -> dict[str, str]:
    """A new interception with a fresh client_ref, sent again unchanged until acknowledged."""
    return {
        # The letter keeps the hex digits from reading as a phone number to the masking.
        "client_ref": f"drill-{staff_number}-{uuid.uuid4().hex[:8]}-n",
        "occurred_at": "2025-06-10T10:00:00+08:00",
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": "43000.00",
        "victim_age_band": "60_plus",
        "description": "演练：柜面劝阻",
    }


async def _sign_in(client: httpx.AsyncClient, number: int) -> dict[str, str]:
    # Password hashing is slow on purpose, and twenty at once queue for its threads.
    login = await client.post(
        "/api/auth/login",
        json={"username": f"drill_{number}", "password": PASSWORD},
        timeout=120,
    )
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def _staff_member(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    number: int,
    until: float,
    result: StaffResult,
) -> None:
    while time.monotonic() < until:
        body = interception_body(number)
        client_ref = body["client_ref"]
        for _attempt in range(20):  # until acknowledged, as the offline queue does
            started = time.perf_counter()
            try:
                answer = await client.post("/api/interceptions", json=body, headers=headers)
            except httpx.TransportError:
                result.retries += 1
                await asyncio.sleep(0.5)
                continue
            result.latencies.append(time.perf_counter() - started)
            if answer.status_code in (200, 201):
                result.acknowledged[client_ref] = answer.json()["id"]
                break
            result.errors.append(f"{answer.status_code} {answer.text[:120]}")
            result.retries += 1
            await asyncio.sleep(0.5)


async def _load(
    base: str, etag: str, pollers: int, staff: int, seconds: int
) -> tuple[StaffResult, str]:
    """Signs the staff in first (hashing is slow on purpose), then runs both loads at once."""
    result = StaffResult()
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        headers = await asyncio.gather(*(_sign_in(client, n) for n in range(staff)))
        poller = _wrk(base, etag, pollers, seconds)
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_staff_member(client, headers[n], n, until, result) for n in range(staff))
        )
        output, _ = await asyncio.to_thread(poller.communicate, timeout=seconds + 60)
    return result, output


def _wrk(base: str, etag: str, pollers: int, seconds: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            "wrk",
            "--threads=1",
            f"--connections={pollers}",
            f"--duration={seconds}s",
            "--timeout=10s",
            "--latency",
            f"--header=If-None-Match: {etag}",
            f"--header=Accept-Encoding: {POLL_ENCODING}",
            f"{base}{FEED}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _parse_wrk(output: str) -> dict[str, float]:
    def number(pattern: str) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else 0.0

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
        return float(found.group(1)) * scale

    socket_errors = (
        sum(
            int(value)
            for value in re.findall(
                r"(?:connect|read|write|timeout) (\d+)", output.split("Socket errors:")[-1]
            )
        )
        if "Socket errors:" in output
        else 0
    )
    return {
        "requests": number(r"(\d+) requests in"),
        "per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx_3xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": float(socket_errors),
    }


def _wrk_error_kinds(output: str) -> str:
    """wrk's own breakdown (connect, read, write, timeout), or "" when it saw none."""
    found = re.search(r"Socket errors:(.*)", output)
    return found.group(1).strip() if found else ""


async def _counts(env: dict[str, str], refs: list[str]) -> dict[str, int]:
    """How many rows hold each client_ref the drill sent, straight from the database."""
    if "DATABASE_URL" in env:
        connection = await asyncpg.connect(env["DATABASE_URL"], timeout=10)
        try:
            rows = await connection.fetch(
                "SELECT client_ref, count(*) AS n FROM interception "
                "WHERE client_ref LIKE 'drill-%' GROUP BY client_ref"
            )
        finally:
            await connection.close()
        return {row["client_ref"]: row["n"] for row in rows}
    import sqlite3

    with sqlite3.connect(env["FANGZHA_SQLITE_PATH"]) as db:
        return dict(
            db.execute(
                "SELECT client_ref, count(*) FROM interception "
                "WHERE client_ref LIKE 'drill-%' GROUP BY client_ref"
            ).fetchall()
        )


def _ms(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def drill(kind: str, workers: int, seconds: int, pollers: int, staff: int) -> dict[str, object]:
    if shutil.which("wrk") is None:
        raise SystemExit("the drill needs wrk (apt-get install wrk)")
    with _database(kind) as env:
        _prepare(env, staff)
        with _serving(env, workers) as (base, server):
            etag = _poll_etag(base)
            server_cpu = _cpu_seconds(server.pid)
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.monotonic()
            staff_result, wrk_output = asyncio.run(_load(base, etag, pollers, staff, seconds))
            elapsed = time.monotonic() - started
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            self_after = resource.getrusage(resource.RUSAGE_SELF)
        counts = asyncio.run(_counts(env, list(staff_result.acknowledged)))
    generator_cpu = (
        children_after.ru_utime
        - children_before.ru_utime
        + children_after.ru_stime
        - children_before.ru_stime
        + self_after.ru_utime
        - self_before.ru_utime
        + self_after.ru_stime
        - self_before.ru_stime
    )
    feeds = _parse_wrk(wrk_output)
    lost = [ref for ref in staff_result.acknowledged if counts.get(ref, 0) == 0]
    duplicated = [ref for ref, n in counts.items() if n > 1]
    cores = os.cpu_count() or 1
    return {
        "database": kind,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "feed_polls": int(feeds["requests"]),
        "feed_per_second": feeds["per_second"],
        "feed_p50_ms": feeds["p50_ms"],
        "feed_p99_ms": feeds["p99_ms"],
        "feed_errors": int(feeds["non_2xx_3xx"] + feeds["socket_errors"]),
        "feed_error_kinds": _wrk_error_kinds(wrk_output),
        "interceptions_acknowledged": len(staff_result.acknowledged),
        "interception_p50_ms": round(_ms(staff_result.latencies, 0.5), 1),
        "interception_p99_ms": round(_ms(staff_result.latencies, 0.99), 1),
        "interception_errors": len(staff_result.errors),
        "interception_retries": staff_result.retries,
        "lost": len(lost),
        "duplicated": len(duplicated),
        "server_cpu_share": round(server_cpu / (elapsed * cores), 2),
        "load_generator_cpu_share": round(generator_cpu / (elapsed * cores), 2),
        "first_errors": staff_result.errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--workers", type=int, action="append")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pollers", type=int, default=500)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="One JSON object per run on stdout.")
    options = parser.parse_args()
    # The three runs unless told otherwise: SQLite with 1 and 2 workers, PostgreSQL with 2.
    runs = [
        (db, workers)
        for db in options.db or ["sqlite", "postgres"]
        for workers in options.workers or ([1, 2] if db == "sqlite" else [2])
    ]
    failed = False
    reports = []
    for db, workers in runs:
        report = drill(db, workers, options.seconds, options.pollers, options.staff)
        reports.append(report)
        failed |= bool(report["feed_errors"] or report["interception_errors"])
        failed |= bool(report["lost"] or report["duplicated"])
        print(
            json.dumps(report, ensure_ascii=False) if options.json else _table(report), flush=True
        )
    one = [r for r in reports if r["database"] == "sqlite" and r["workers"] == 1]
    two = [r for r in reports if r["database"] == "sqlite" and r["workers"] == 2]
    if one and two and not options.json:
        rates = [float(str(run[0]["feed_per_second"])) for run in (two, one)]
        ratio = rates[0] / max(rates[1], 1e-9)
        print(f"feed throughput, 2 workers ÷ 1 worker (SQLite): {ratio:.2f}×")
    return 1 if failed else 0


def _table(report: dict[str, object]) -> str:
    return "\n".join(
        [f"== {report['database']}, {report['workers']} worker(s), {report['seconds']} s"]
        + [
            f"  {name:28} {value}"
            for name, value in report.items()
            if name not in ("database", "workers", "seconds")
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
