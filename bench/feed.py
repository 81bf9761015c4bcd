"""Benchmark of the public calendar feed: `.venv/bin/python bench/feed.py`.

Seeds 5,000 events (10% recurring) into a temporary SQLite database and
measures, in one run, through an in-process httpx client:

- bare icalendar serialisation of those events (the reference),
- a cold feed request (fresh app, empty caches),
- a warm 200 and a 304 (conditional GET),
- a trivial endpoint on the same app (same middleware, no database) as the floor,
- polls naming other hosts (each once rebuilt the feed and evicted the cache),

then prints cold/bare (target ≤ 1.5) and warm/floor, 304/floor (target ≤ 2),
and the bytes a gzip and a brotli client receive against the plain feed.
"""

import asyncio
import contextlib
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

_FOLDER = tempfile.mkdtemp(prefix="fangzha-bench-")
os.environ["FANGZHA_SQLITE_PATH"] = os.path.join(_FOLDER, "bench.sqlite")
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

# One log line per request would be measured along with the requests.
logging.getLogger("httpx").setLevel(logging.WARNING)

EVENTS = int(sys.argv[sys.argv.index("--events") + 1]) if "--events" in sys.argv else 5_000
RECURRING_EVERY = 10  # one event in ten repeats
KINDS = ["lecture", "salon", "community_visit", "campus_visit", "village_visit"]


async def _seed() -> None:
    from accounts.tables import Branch
    from events.tables import Event

    rows = await Branch.insert(
        Branch(code="NJ", name="工商银行怒江分行", path="", languages='["zh"]', address="")
    ).returning(Branch.id)
    branch = rows[0]["id"]
    await Branch.update({Branch.path: f"/{branch}/"}).where(Branch.id == branch)
    # Relative to today: every event lies in the feed's window (ended within 12 months, or later).
    today = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    first = today - timedelta(days=300)
    stamp = today - timedelta(days=30)
    batch: list[Event] = []
    for number in range(EVENTS):
        start = first + timedelta(hours=7 * number)
        recurring = number % RECURRING_EVERY == 0
        batch.append(
            Event(
                uid=f"bench-{number}@fangzha",
                title=f"防范电信网络诈骗专题讲座 第{number}场",
                kind=KINDS[number % len(KINDS)],
                branch=branch,
                venue_name="六库支行营业厅",
                venue_address="云南省怒江傈僳族自治州泸水市六库街道向阳路",
                venue_type="branch_hall",
                starts_at=start,
                ends_at=start + timedelta(hours=1, minutes=30),
                timezone="Asia/Shanghai",
                rrule="FREQ=WEEKLY;COUNT=6" if recurring else None,
                exdates=json.dumps([(start + timedelta(weeks=2)).isoformat()])
                if recurring
                else "[]",
                languages='["zh", "lis"]',
                audiences='["elderly", "general"]',
                host="余春梅",
                description="识别刷单返利、虚假投资理财、冒充公检法等常见骗局;现场讲解国家反诈中心APP。",
                status="scheduled",
                visibility="public",
                sequence=number % 3,
                created_at=stamp,
                updated_at=stamp + timedelta(seconds=number),
            )
        )
        if len(batch) == 500:
            await Event.insert(*batch)
            batch = []
    if batch:
        await Event.insert(*batch)


async def _timed(action: Callable[[], Awaitable[httpx.Response]], runs: int, status: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await action()
        samples.append(time.perf_counter() - started)
        assert response.status_code == status, (response.status_code, response.text[:200])
    return statistics.median(samples)


async def _bare() -> tuple[float, int]:
    from exports.feed_events import read_feed_events
    from exports.feed_filters import FeedFilters
    from exports.feed_scope import PUBLIC
    from exports.feed_window import Window
    from exports.ical import calendar_bytes

    window = Window.on(datetime.now(UTC))
    events = await read_feed_events(PUBLIC, FeedFilters(), None, window)
    samples = []
    size = 0
    for _ in range(3):
        started = time.perf_counter()
        body = calendar_bytes("防诈宣传活动", "bench", events, BASE)
        samples.append(time.perf_counter() - started)
        size = len(body)
    return statistics.median(samples), size


FLOOR = "/bench/floor"
BASE = "http://localhost"
PLAIN = {"Accept-Encoding": "identity"}


def _client() -> httpx.AsyncClient:
    from litestar import MediaType, get

    from app.factory import create_app

    @get(FLOOR, media_type=MediaType.TEXT, sync_to_thread=False)
    def floor() -> str:
        return "ok"

    app = create_app()
    app.register(floor)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url=BASE, headers=PLAIN)


async def main() -> None:
    from app.database import close_database, migrate, open_database

    await open_database()
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    await _seed()

    bare, size = await _bare()

    cold_samples = []
    for _ in range(3):
        async with _client() as fresh:
            await fresh.get("/health")  # warms the connection path, not the feed
            started = time.perf_counter()
            response = await fresh.get("/calendar.ics")
            cold_samples.append(time.perf_counter() - started)
            assert response.status_code == 200
            assert response.content.count(b"BEGIN:VEVENT") == EVENTS
    cold = statistics.median(cold_samples)

    async with _client() as client:
        first = await client.get("/calendar.ics")
        etag = first.headers["etag"]
        runs = 200
        for _ in range(20):  # settle allocations before measuring
            await client.get(FLOOR)
            await client.get("/calendar.ics")
        floor = await _timed(lambda: client.get(FLOOR), runs, 200)
        warm = await _timed(lambda: client.get("/calendar.ics"), runs, 200)
        not_modified = await _timed(
            lambda: client.get("/calendar.ics", headers={"If-None-Match": etag}), runs, 304
        )
        floor = min(floor, await _timed(lambda: client.get(FLOOR), runs, 200))
        plain = len(first.content)
        wire = {}
        for coding in ("gzip", "br"):
            response = await client.get("/calendar.ics", headers={"Accept-Encoding": coding})
            assert response.headers["content-encoding"] == coding
            assert response.content == first.content  # decoded: the same calendar
            wire[coding] = int(response.headers["content-length"])
        hosts = 0
        started = time.perf_counter()
        for number in range(50):
            response = await client.get("/calendar.ics", headers={"Host": f"h{number}.example"})
            hosts += response.status_code == 400
        other_hosts = (time.perf_counter() - started) / 50
        after = await client.get("/calendar.ics", headers={"If-None-Match": etag})
        assert after.status_code == 304, "polls naming other hosts emptied the cache"
    await close_database()

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:9.2f} ms"

    print(f"events: {EVENTS} ({EVENTS // RECURRING_EVERY} recurring), feed {size / 1e6:.1f} MB")
    print(f"bare icalendar serialisation {ms(bare)}")
    print(f"cold feed request            {ms(cold)}")
    print(f"warm feed request (200)      {ms(warm)}")
    print(f"conditional request (304)    {ms(not_modified)}")
    print(f"floor: trivial endpoint      {ms(floor)}")
    print(f"other Host headers (each)    {ms(other_hosts)}  {hosts}/50 refused (400), cache kept")
    for coding, size in wire.items():
        share = f"{size / plain:.1%} of the plain feed"
        print(f"{coding + ' on the wire':<28} {size / 1e6:6.2f} MB = {share}")
    ratios = {
        "cold/bare": (cold / bare, 1.5),
        "warm/floor": (warm / floor, 2.0),
        "304/floor": (not_modified / floor, 2.0),
    }
    for name, (value, target) in ratios.items():
        verdict = "ok" if value <= target else "OVER TARGET"
        print(f"{name:<11} {value:5.2f}  (target ≤ {target})  {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
