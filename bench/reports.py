"""Reports on years of data: `make bench-reports` (= .venv/bin/python bench/reports.py).

Seeds 1,000,000 interceptions, 50,000 events (10 % repeating: weekly and
monthly series, some open-ended and starting years back, and twenty daily
series from 2000) and 200,000 attendance records into a temporary SQLite
database, and into a fresh PostgreSQL database when one is reachable
(FANGZHA_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres).
Rows go in with the databases' bulk paths (executemany, COPY); the tally
triggers and the occurrence rows are the ones the app writes.

Measured in the same run, per database, through an in-process HTTP client:
- the summary request ÷ the same aggregates as one raw SQL pass over the rows
  (target ≤ 1.0), as admin and as the staff of one outlet, with and without a
  branch filter: medians of 15 runs of each, taken in turns, the raw pass on a
  connection kept for the run;
- the dashboard page (target ≤ 300 ms);
- a staff member's first and last page of interceptions (target ≤ 50 ms);
- the first page of /api/occurrences for a year (target ≤ 200 ms).

`--scale 0.1` seeds a tenth of everything; `--explain` prints the query plans;
`--keep NAME` keeps the seeded databases (a file in the temporary folder, a
PostgreSQL database fangzha_bench_keep_NAME) and measures them again on the next
run with the same name instead of seeding: for trying a change quickly; a
migration added since is applied, a seed changed since is not.
Each database runs in a child process of its own (Piccolo picks its engine at
import). Shared machines are noisy: read the ratios.
"""

import asyncio
import contextlib
import functools
import io
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")
POSTGRES = os.environ.get("FANGZHA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")

INTERCEPTIONS = 1_000_000
EVENTS = 50_000
ATTENDANCE = 200_000
DAILY_SINCE_2000 = 20
HISTORY_START = datetime(2017, 1, 1, tzinfo=SHANGHAI)
HISTORY_END = datetime(2026, 11, 1, tzinfo=SHANGHAI)
# `to` as a date includes that day (core/window.py): the year 2025 is [2025-01-01, 2026-01-01).
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}

FRAUD_TYPES = [
    "order_brushing",
    "fake_investment",
    "fake_loan",
    "fake_customer_service",
    "impersonating_authorities",
    "impersonating_acquaintance",
    "fake_credit_repair",
    "romance_scam",
    "game_trading",
    "fake_shopping",
    "other",
]
CHANNELS = ["counter", "phone_callback", "atm", "mobile_banking", "home_visit", "police_referral"]
AGE_BANDS = ["under_18", "18_34", "35_59", "60_plus", "unknown"]
KINDS = ["lecture", "salon", "community_visit", "campus_visit", "village_visit", "home_visit"]


# --- the parent: one child process per database ----------------------------------


def _postgres_admin(statement: str) -> str | None:
    async def run() -> None:
        import asyncpg

        connection = await asyncpg.connect(POSTGRES, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.run(run())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def parent(args: list[str]) -> None:
    runs: list[tuple[str, dict[str, str]]] = []
    keep = _option(args, "--keep")
    if keep is None:
        folder = tempfile.mkdtemp(prefix="fangzha-bench-reports-")
        name = f"fangzha_bench_{uuid.uuid4().hex[:10]}"
    else:
        folder = os.path.join(tempfile.gettempdir(), f"fangzha-bench-keep-{keep}")
        os.makedirs(folder, exist_ok=True)
        name = f"fangzha_bench_keep_{keep}"
    sqlite_env = {
        **os.environ,
        "FANGZHA_SQLITE_PATH": os.path.join(folder, "bench.sqlite"),
        "FANGZHA_BENCH_SETUP": os.path.join(folder, "sqlite.json"),
    }
    sqlite_env.pop("DATABASE_URL", None)
    runs.append(("SQLite", sqlite_env))
    problem = _postgres_admin(f'CREATE DATABASE "{name}"')
    if keep is not None and problem is not None and "already exists" in problem:
        problem = None
    if problem is None:
        runs.append(
            (
                "PostgreSQL",
                {
                    **os.environ,
                    "DATABASE_URL": f"{POSTGRES.rsplit('/', 1)[0]}/{name}",
                    "FANGZHA_BENCH_SETUP": os.path.join(folder, "postgres.json"),
                },
            )
        )
    try:
        for label, env in runs:
            print(f"=== {label} ===", flush=True)
            # As a module from the project folder: run as a file, bench/ would come
            # first on the path and bench/exports.py would hide the exports package.
            subprocess.run(
                [sys.executable, "-m", "bench.reports", "--child", *args],
                cwd=ROOT,
                env={**env, "PYTHONPATH": str(ROOT)},
                check=True,
            )
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
            if problem is None:
                _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if problem is not None:
        print(f"=== PostgreSQL: not reachable ({problem}); measured SQLite only ===")


# --- seeding ---------------------------------------------------------------------


def _utc_text(moment: datetime) -> str:
    """How Piccolo stores an instant on SQLite."""
    return str(moment.astimezone(UTC))


class Seed:
    """Generated rows, deterministic from one random seed."""

    def __init__(self, scale: float) -> None:
        self.rng = random.Random(2025)
        self.scale = scale
        self.branches: list[
            tuple[int, str, str, int | None, str]
        ] = []  # id, code, name, parent, path
        self.outlets: list[int] = []
        self.events: list[dict[str, Any]] = []

    def branch_tree(self) -> None:
        self.branches.append((1, "YN", "云南省分行", None, "/1/"))
        next_id = 2
        for city in range(10):
            city_id = next_id
            next_id += 1
            self.branches.append(
                (city_id, f"YN-{city:02d}", f"第{city + 1}支行", 1, f"/1/{city_id}/")
            )
            for outlet in range(9):
                outlet_id = next_id
                next_id += 1
                self.branches.append(
                    (
                        outlet_id,
                        f"YN-{city:02d}-{outlet}",
                        f"第{city + 1}支行第{outlet + 1}网点",
                        city_id,
                        f"/1/{city_id}/{outlet_id}/",
                    )
                )
                self.outlets.append(outlet_id)

    def instant(self) -> datetime:
        span = (HISTORY_END - HISTORY_START).total_seconds()
        return (HISTORY_START + timedelta(seconds=self.rng.random() * span)).astimezone(UTC)

    def event_rows(self) -> None:
        from events.recurrence import series_ends_at

        count = int(EVENTS * self.scale)
        stamp = datetime(2026, 11, 1, tzinfo=UTC)
        for number in range(count):
            rule = None
            start = self.instant().replace(minute=0, second=0, microsecond=0)
            if number < DAILY_SINCE_2000:
                rule = "FREQ=DAILY"
                start = datetime(2000, 1, 3, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)
            elif number % 10 == 0:
                shape = self.rng.random()
                if shape < 0.2:  # open-ended, may have begun years ago
                    rule = self.rng.choice(
                        ["FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=WEEKLY;INTERVAL=2"]
                    )
                else:
                    rule = self.rng.choice(
                        [f"FREQ=WEEKLY;COUNT={self.rng.randint(4, 26)}", "FREQ=MONTHLY;COUNT=12"]
                    )
            end = start + timedelta(hours=self.rng.choice([1, 2, 3]))
            status = self.rng.choices(
                ["completed", "scheduled", "cancelled", "draft"], [60, 30, 5, 5]
            )[0]
            self.events.append(
                {
                    "id": number + 1,
                    "uid": f"bench-{number}@fangzha",
                    "title": f"防范电信网络诈骗宣传 第{number}场",
                    "kind": self.rng.choice(KINDS),
                    "campaign": None,
                    "branch": self.rng.choice(self.outlets),
                    "starts_at": start,
                    "ends_at": end,
                    "series_ends_at": series_ends_at(start, end, "Asia/Shanghai", rule),
                    "timezone": "Asia/Shanghai",
                    "rrule": rule,
                    "exdates": "[]",
                    "status": status,
                    "visibility": self.rng.choice(["public", "public", "internal"]),
                    "travel_km_tenths": self.rng.choice([None, None, self.rng.randint(5, 1500)]),
                    "remote_area": self.rng.random() < 0.2,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )

    def occurrence_rows(self) -> tuple[list[tuple[Any, ...]], dict[int, datetime | None]]:
        from events.occurrence_spans import HORIZON, spans_for_table
        from events.occurrence_writes import COPIED

        horizon = datetime.now(UTC) + HORIZON
        rows: list[tuple[Any, ...]] = []
        until: dict[int, datetime | None] = {}
        for event in self.events:
            found = spans_for_table(event, horizon)
            until[event["id"]] = found.until
            copies = tuple(event[source] for source, _ in COPIED)
            rows.extend((event["id"], start, end, *copies) for start, end in found.spans)
        return rows, until

    def interception_rows(self, events_by_outlet: dict[int, list[int]]) -> list[tuple[Any, ...]]:
        count = int(INTERCEPTIONS * self.scale)
        rows = []
        for number in range(count):
            outlet = self.rng.choice(self.outlets)
            attributed = events_by_outlet.get(outlet) if self.rng.random() < 0.3 else None
            status = self.rng.choices(["verified", "logged", "rejected"], [70, 20, 10])[0]
            at = self.instant()
            rows.append(
                (
                    f"bench-{number}",
                    at,
                    outlet,
                    1,
                    self.rng.choice(CHANNELS),
                    self.rng.choice(FRAUD_TYPES),
                    self.rng.randrange(1, 5_000_000_00),
                    self.rng.choice(AGE_BANDS),
                    status,
                    self.rng.choice(attributed) if attributed else None,
                    at,
                    at,
                )
            )
        return rows

    def attendance_rows(self, occurrences: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        now = datetime.now(UTC)
        held = [o for o in occurrences if o[1] <= now and o[6] in {"scheduled", "completed"}]
        picked = self.rng.sample(held, min(len(held), int(ATTENDANCE * self.scale)))
        return [(o[0], o[1], self.rng.randint(5, 120), "{}", 0, 0, "", 1, o[1]) for o in picked]


EVENT_COLUMNS = (
    "id",
    "uid",
    "title",
    "kind",
    "branch",
    "starts_at",
    "ends_at",
    "series_ends_at",
    "timezone",
    "rrule",
    "exdates",
    "status",
    "visibility",
    "travel_km_tenths",
    "remote_area",
    "occurrences_until",
    "created_at",
    "updated_at",
)
OCCURRENCE_COLUMNS = (
    "event",
    "starts_at",
    "ends_at",
    "branch",
    "campaign",
    "kind",
    "status",
    "visibility",
    "travel_km_tenths",
    "remote_area",
)
INTERCEPTION_COLUMNS = (
    "client_ref",
    "occurred_at",
    "branch",
    "logged_by",
    "channel",
    "fraud_type",
    "amount_saved_fen",
    "victim_age_band",
    "status",
    "event",
    "created_at",
    "updated_at",
)
ATTENDANCE_COLUMNS = (
    "event",
    "occurrence_start",
    "headcount",
    "by_audience",
    "materials_distributed",
    "app_installs",
    "notes",
    "recorded_by",
    "recorded_at",
)


class Loader:
    """Bulk writes with the database's own driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        self.postgres = bool(os.environ.get("DATABASE_URL"))

    async def write(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        if self.postgres:
            import asyncpg

            connection = await asyncpg.connect(os.environ["DATABASE_URL"])
            try:
                await connection.copy_records_to_table(table, records=rows, columns=list(columns))
            finally:
                await connection.close()
            return
        import sqlite3

        def run() -> None:
            db = sqlite3.connect(os.environ["FANGZHA_SQLITE_PATH"])
            try:
                marks = ", ".join("?" * len(columns))
                db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(_sqlite_value(v) for v in row) for row in rows],
                )
                db.commit()
            finally:
                db.close()

        await asyncio.to_thread(run)

    async def sql(self, statement: str) -> None:
        from piccolo.engine.finder import engine_finder

        engine: Any = engine_finder()
        await engine.run_ddl(statement)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, bool):
        return int(value)
    return value


async def seed(scale: float) -> dict[str, Any]:
    from accounts.passwords import make_password_hash
    from accounts.tables import Branch, User
    from accounts.tokens import issue_token

    loader = Loader()
    data = Seed(scale)
    data.branch_tree()
    for branch_id, code, name, parent_id, path in data.branches:
        await Branch.insert(
            Branch(
                id=branch_id,
                code=code,
                name=name,
                parent=parent_id,
                path=path,
                languages='["zh"]',
                address="",
            )
        )
    password = await make_password_hash("bench password")
    users = {}
    for username, role, branch in (
        ("admin", "admin", 1),
        ("outlet_staff", "staff", data.outlets[0]),
    ):
        rows = await User.insert(
            User(
                username=username,
                display_name=username,
                role=role,
                branch=branch,
                password_hash=password,
                active=True,
                created_at=datetime.now(UTC),
            )
        ).returning(User.id)
        users[username] = await issue_token(rows[0]["id"])

    started = time.perf_counter()
    data.event_rows()
    occurrences, until = data.occurrence_rows()
    await loader.write(
        "event",
        EVENT_COLUMNS,
        [
            tuple(until[e["id"]] if c == "occurrences_until" else e[c] for c in EVENT_COLUMNS)
            for e in data.events
        ],
    )
    if loader.postgres:
        await loader.sql("SELECT setval('event_id_seq', (SELECT max(id) FROM event))")
    await loader.write("occurrence", OCCURRENCE_COLUMNS, occurrences)
    by_outlet: dict[int, list[int]] = {}
    for event in data.events:
        by_outlet.setdefault(event["branch"], []).append(event["id"])
    await loader.write("attendance", ATTENDANCE_COLUMNS, data.attendance_rows(occurrences))
    interceptions = data.interception_rows(by_outlet)
    for offset in range(0, len(interceptions), 100_000):
        await loader.write(
            "interception", INTERCEPTION_COLUMNS, interceptions[offset : offset + 100_000]
        )
    if loader.postgres:
        # What autovacuum does after a bulk load (statistics, the visibility map that
        # index-only scans need); SQLite runs with the planner's defaults, as an
        # installation that never ran ANALYZE does.
        await loader.sql("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    series = sum(1 for e in data.events if e["rrule"])
    print(
        f"seeded {len(interceptions):,} interceptions, {len(data.events):,} events "
        f"({series:,} repeating, {DAILY_SINCE_2000} daily since 2000), "
        f"{len(occurrences):,} occurrence rows, attendance {int(ATTENDANCE * scale):,} "
        f"in {seconds:.0f} s",
        flush=True,
    )
    outlet_code = next(code for b_id, code, *_ in data.branches if b_id == data.outlets[0])
    return {
        "tokens": users,
        "outlet": data.outlets[0],
        "outlet_code": outlet_code,
        "city_code": "YN-03",
    }


# --- the raw single pass the summary is compared with ------------------------------


def raw_pass(branch_ids: list[int] | None, start: datetime, end: datetime) -> tuple[str, list[Any]]:
    """Every aggregate of the summary over the rows, in one statement."""
    from exports.report_sql import month_of, on_postgres

    marks = "${}" if on_postgres() else "?"
    args: list[Any] = []

    def mark(value: Any) -> str:
        args.append(value if on_postgres() else _sqlite_value(value))
        return marks.format(len(args)) if on_postgres() else "?"

    def within(column: str) -> str:
        if branch_ids is None:
            return ""
        return f" AND {column} IN ({', '.join(mark(b) for b in branch_ids)})"

    now = datetime.now(UTC)
    interceptions = (
        f"SELECT 'i' AS part, {month_of('occurred_at')} AS month, branch, status, fraud_type, "
        "channel, victim_age_band AS kind, COUNT(*) AS n, SUM(amount_saved_fen) AS total "
        "FROM interception WHERE status <> 'rejected' "
        f"AND occurred_at >= {mark(start)} AND occurred_at < {mark(end)}{within('branch')} "
        "GROUP BY 2, 3, 4, 5, 6, 7"
    )
    held = (
        "SELECT 'o', '', 0, '', '', CAST(remote_area AS TEXT), kind, COUNT(*), "
        "SUM(COALESCE(travel_km_tenths, 0)) FROM occurrence "
        f"WHERE status NOT IN ('draft', 'cancelled') AND ends_at >= {mark(start)} "
        f"AND ends_at < {mark(min(end, now))}{within('branch')} GROUP BY kind, remote_area"
    )
    people = (
        "SELECT 'a', '', 0, '', '', '', '', COUNT(*), SUM(a.headcount) "
        "FROM attendance AS a JOIN event AS e ON e.id = a.event "
        f"WHERE e.status NOT IN ('draft', 'cancelled') AND a.occurrence_start >= {mark(start)} "
        f"AND a.occurrence_start < {mark(end)}{within('e.branch')}"
    )
    sql = f"{interceptions} UNION ALL {held} UNION ALL {people}"
    return sql, args


class RawPass:
    """The raw pass on a connection kept for the whole run, as the app keeps its own:
    a connection opened per pass would add its opening (and a cold page cache on
    SQLite) to the baseline."""

    def __init__(self) -> None:
        self._sqlite: Any = None

    async def run(self, sql: str, args: list[Any]) -> int:
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        engine: Any = engine_finder()
        if isinstance(engine, PostgresEngine):
            assert engine.pool is not None
            async with engine.pool.acquire() as connection:
                return len(await connection.fetch(sql, *args))
        if self._sqlite is None:
            import aiosqlite

            self._sqlite = await aiosqlite.connect(os.environ["FANGZHA_SQLITE_PATH"])
        async with self._sqlite.execute(sql, args) as cursor:
            return len(list(await cursor.fetchall()))

    async def close(self) -> None:
        if self._sqlite is not None:
            await self._sqlite.close()


# --- measuring --------------------------------------------------------------------


async def medians_side_by_side(
    first: Callable[[], Awaitable[Any]], second: Callable[[], Awaitable[Any]], runs: int = 15
) -> tuple[float, float]:
    """Both medians from runs taken in turns, so that a machine slowing down or speeding
    up meanwhile weighs on both alike."""
    await first()
    await second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, kept in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            await action()
            kept.append(time.perf_counter() - started)
    return statistics.median(samples[0]), statistics.median(samples[1])


async def median_of(action: Callable[[], Awaitable[Any]], runs: int = 5) -> float:
    await action()  # warm caches and connections
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


async def measure(setup: dict[str, Any], explain: bool) -> None:
    import httpx

    from accounts.scoping import subtree_ids_by_code
    from app.factory import create_app

    transport = httpx.ASGITransport(app=create_app())  # type: ignore[arg-type]
    admin = {"Authorization": f"Bearer {setup['tokens']['admin']}"}
    staff = {"Authorization": f"Bearer {setup['tokens']['outlet_staff']}"}
    start = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    end = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    city_ids = await subtree_ids_by_code(setup["city_code"])

    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:

        async def get(path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
            response = await client.get(path, params=params, headers=headers)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
            return response

        floor = await median_of(functools.partial(get, "/api/users/me", staff))
        print(
            f"floor: GET /api/users/me as staff  {ms(floor)}  "
            "(HTTP, sign-in, the user and their calendar token)"
        )
        print("summary of 2025 (request ÷ one raw SQL pass over the rows, target ≤ 1.0):")
        cases = [
            ("admin, all branches", admin, {}, None),
            (
                f"admin, branch={setup['city_code']}",
                admin,
                {"branch": setup["city_code"]},
                city_ids,
            ),
            ("outlet staff, own subtree", staff, {}, [setup["outlet"]]),
            (
                f"outlet staff, branch={setup['outlet_code']}",
                staff,
                {"branch": setup["outlet_code"]},
                [setup["outlet"]],
            ),
        ]
        raw_pass_runner = RawPass()
        for label, headers, extra, branch_ids in cases:
            sql, args = raw_pass(branch_ids, start, end)
            request, raw = await medians_side_by_side(
                functools.partial(get, "/api/reports/summary", headers, **YEAR, **extra),
                functools.partial(raw_pass_runner.run, sql, args),
            )
            ratio = request / raw
            print(
                f"  {label:<34} {ms(request)} ÷ {ms(raw)} = {ratio:5.2f}  {verdict(ratio <= 1.0)}"
                f"  (less the floor: {(request - floor) / raw:4.2f})"
            )
        edge = {"from": "2024-03-17T10:30:00+08:00", "to": "2025-09-09"}
        sql, args = raw_pass(
            None,
            datetime(2024, 3, 17, 10, 30, tzinfo=SHANGHAI),
            datetime(2025, 9, 10, tzinfo=SHANGHAI),  # to=2025-09-09 includes the 9th
        )
        request, raw = await medians_side_by_side(
            lambda: get("/api/reports/summary", admin, **edge),
            lambda: raw_pass_runner.run(sql, args),
            runs=5,
        )
        await raw_pass_runner.close()
        print(
            f"  {'admin, 2024-03-17T10:30 → 2025-09-09':<34} {ms(request)} ÷ {ms(raw)} = "
            f"{request / raw:5.2f}  {verdict(request / raw <= 1.0)}"
        )
        compare = await median_of(
            lambda: get("/api/reports/summary", admin, **YEAR, compare="previous_year")
        )
        print(f"  {'admin, compare=previous_year':<34} {ms(compare)}")

        dashboard = await median_of(lambda: get("/dashboard", admin, year=2025))
        staff_dashboard = await median_of(lambda: get("/dashboard", staff, year=2025))
        print(
            f"dashboard 2025, admin                {ms(dashboard)}  (target ≤ 300 ms) "
            f"{verdict(dashboard <= 0.3)}"
        )
        print(
            f"dashboard 2025, outlet staff         {ms(staff_dashboard)}  (target ≤ 300 ms) "
            f"{verdict(staff_dashboard <= 0.3)}"
        )

        total = (await get("/api/interceptions", staff, limit=1)).json()["total"]
        first = await median_of(lambda: get("/api/interceptions", staff, limit=100))
        last = await median_of(
            lambda: get("/api/interceptions", staff, limit=100, offset=max(0, total - 100))
        )
        print(
            f"staff interceptions ({total:,} rows), first page {ms(first)}  (target ≤ 50 ms) "
            f"{verdict(first <= 0.05)}"
        )
        print(
            f"staff interceptions ({total:,} rows), last page  {ms(last)}  (target ≤ 50 ms) "
            f"{verdict(last <= 0.05)}"
        )

        page = await get("/api/occurrences", admin, **YEAR, limit=500)
        occurrences = await median_of(lambda: get("/api/occurrences", admin, **YEAR, limit=500))
        public = await median_of(lambda: get("/api/occurrences", {}, **YEAR, limit=500))
        print(
            f"/api/occurrences 2025 ({page.json()['total']:,}), admin  {ms(occurrences)}  "
            f"(target ≤ 200 ms) {verdict(occurrences <= 0.2)}"
        )
        print(
            f"/api/occurrences 2025, public          {ms(public)}  (target ≤ 200 ms) "
            f"{verdict(public <= 0.2)}"
        )
        impact = await median_of(
            lambda: get("/api/reports/events", admin, **YEAR, sort="-amount_saved", limit=50)
        )
        print(f"/api/reports/events 2025 by amount    {ms(impact)}")
    if explain:
        await print_plans(setup)


# --- query plans --------------------------------------------------------------------


async def print_plans(setup: dict[str, Any]) -> None:
    from piccolo.engine.finder import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    engine: Any = engine_finder()
    postgres = isinstance(engine, PostgresEngine)
    outlet = setup["outlet"]
    y0, y1 = "'2024-12-31 16:00:00+00:00'", "'2025-12-31 16:00:00+00:00'"
    queries = {
        "staff interceptions, last page": (
            f"SELECT id FROM interception WHERE branch IN ({outlet}) "
            "ORDER BY occurred_at DESC, id DESC LIMIT 100 OFFSET 10000"
        ),
        "staff interceptions, count": (
            f"SELECT COUNT(*) FROM interception WHERE branch IN ({outlet})"
        ),
        "interceptions filtered by fraud type and window": (
            "SELECT id FROM interception WHERE fraud_type = 'romance_scam' "
            f"AND occurred_at >= {y0} AND occurred_at < {y1} ORDER BY occurred_at DESC LIMIT 100"
        ),
        "interceptions of one event": "SELECT id FROM interception WHERE event = 77",
        "summary tallies, staff": (
            "SELECT breakdown, value, status, SUM(n) FROM interception_tally "
            f"WHERE status <> 'rejected' AND branch IN ({outlet}) "
            "AND month >= '2025-01' AND month < '2026-01' "
            "GROUP BY breakdown, value, status"
        ),
        "summary tallies, admin": (
            "SELECT breakdown, value, status, SUM(n) FROM interception_tally "
            "WHERE status <> 'rejected' AND (branch = 0 OR breakdown = 'total') "
            "AND month >= '2025-01' AND month < '2026-01' GROUP BY breakdown, value, status"
        ),
        "summary edge rows, staff": (
            f"SELECT COUNT(*) FROM interception WHERE branch IN ({outlet}) "
            f"AND occurred_at >= {y0} AND occurred_at < '2025-01-20 00:00:00+00:00'"
        ),
        "held occurrences, staff": (
            "SELECT kind, COUNT(*) FROM occurrence WHERE status NOT IN ('draft', 'cancelled') "
            f"AND ends_at >= {y0} AND ends_at < {y1} AND branch IN ({outlet}) GROUP BY kind"
        ),
        "held occurrences, admin": (
            "SELECT kind, COUNT(*) FROM occurrence WHERE status NOT IN ('draft', 'cancelled') "
            f"AND ends_at >= {y0} AND ends_at < {y1} GROUP BY kind"
        ),
        "occurrences page, public": (
            "SELECT o.starts_at, e.title FROM occurrence AS o JOIN event AS e ON e.id = o.event "
            f"WHERE o.starts_at < {y1} AND o.starts_at > '2024-11-30 16:00:00+00:00' "
            f"AND o.ends_at > {y0} AND o.visibility = 'public' AND o.status <> 'draft' "
            "ORDER BY o.starts_at, o.event LIMIT 500"
        ),
        "series beyond the table": (
            "SELECT id FROM event WHERE occurrences_until IS NOT NULL "
            f"AND occurrences_until < {y1} AND status <> 'cancelled'"
        ),
        "attendance of a year": (
            "SELECT SUM(a.headcount) FROM attendance AS a JOIN event AS e ON e.id = a.event "
            "WHERE e.status NOT IN ('draft', 'cancelled') "
            f"AND a.occurrence_start >= {y0} AND a.occurrence_start < {y1} "
            f"AND e.branch IN ({outlet})"
        ),
    }
    print("query plans:")
    for label, sql in queries.items():
        prefix = "EXPLAIN (COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
        rows = await engine.run_ddl(prefix + sql)
        lines = [r.get("QUERY PLAN") or r.get("detail") for r in rows]
        print(f"  {label}:")
        for line in lines:
            print(f"    {line}")


def _kept_setup(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    print(f"measuring the kept databases ({path.parent})", flush=True)
    setup: dict[str, Any] = json.loads(path.read_text())
    return setup


def _keep_setup(path: Path, setup: dict[str, Any]) -> None:
    path.write_text(json.dumps(setup))


async def child(scale: float, explain: bool) -> None:
    from app.database import close_database, migrate, open_database

    logging.getLogger("httpx").setLevel(logging.WARNING)
    await open_database()
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    kept = Path(os.environ["FANGZHA_BENCH_SETUP"])
    setup = _kept_setup(kept)
    if setup is None:
        setup = await seed(scale)
        _keep_setup(kept, setup)
    await measure(setup, explain)
    await close_database()


def main() -> None:
    args = sys.argv[1:]
    scale = float(_option(args, "--scale") or 1.0)
    if "--child" in args:
        os.environ.setdefault("FANGZHA_ARGON2_TIME_COST", "1")
        asyncio.run(child(scale, "--explain" in args))
        return
    parent([a for a in args if a != "--child"])


if __name__ == "__main__":
    main()
