"""The four "Must show" items of issue 5, step by step as a user would see them."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.tools.calendars import every_parser, lint, with_icalendar

ROOT = Path(__file__).resolve().parents[2]


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_1_demo_feed_parses_everywhere_and_cancellation_bumps_sequence(client, time_machine):
    from app.demo.load import load_demo
    from events.tables import Event

    # Early in 2026 the demo's whole 2025 year lies within the feed's 12 months.
    time_machine.move_to(datetime(2026, 1, 2, 9, 0, tzinfo=UTC), tick=True)
    window_start = datetime(2025, 1, 2, tzinfo=UTC)
    demo = await load_demo(only_if_empty=True)
    assert demo is not None
    first = await client.get("/calendar.ics")
    assert first.status_code == 200
    lint(first.content)
    readings = every_parser(first.text)
    counts = {name: len(seen) for name, seen in readings.items()}
    assert len(set(counts.values())) == 1, counts
    shown = await Event.count().where(
        (Event.visibility == "public")
        & Event.status.is_in(["scheduled", "completed"])
        & (Event.series_ends_at.is_null() | (Event.series_ends_at >= window_start))
    )
    assert counts["icalendar"] == shown > 5

    row = await (
        Event.select(Event.id, Event.uid)
        .where((Event.visibility == "public") & (Event.status == "scheduled"))
        .first()
    )
    assert row is not None
    before = readings["icalendar"][row["uid"]]
    assert before.status == "CONFIRMED"

    coordinator = await _login(client, "nj_coord", demo.password)
    cancel = await client.post(
        f"/api/events/{row['id']}/cancel", json={"reason": "暴雨天气,道路中断"}, headers=coordinator
    )
    assert cancel.status_code in (200, 201), cancel.text
    after = await client.get("/calendar.ics")
    lint(after.content)
    seen_after = every_parser(after.text)
    for name in ("icalendar", "ical", "ical.js"):
        event = seen_after[name][row["uid"]]
        assert event.status.upper() == "CANCELLED", name
        assert event.sequence > before.sequence, name
    assert len(seen_after["icalendar"]) == counts["icalendar"]  # kept, not dropped


async def test_2_etag_gives_304_and_an_edit_changes_it(client, world, feed_today):
    created = await client.post(
        "/api/events",
        json={
            "title": "校园反诈第一课",
            "kind": "campus_visit",
            "starts_at": "2026-12-20T10:00:00+08:00",
            "ends_at": "2026-12-20T11:30:00+08:00",
            "branch_id": world.branches["NJ-LK"],
            "venue": {"name": "怒江州民族中学", "venue_type": "campus"},
        },
        headers=world.auth("coord"),
    )
    assert created.status_code == 201, created.text
    first = await client.get("/calendar.ics")
    etag = first.headers["etag"]
    assert (await client.get("/calendar.ics", headers={"If-None-Match": etag})).status_code == 304

    edit = await client.patch(
        f"/api/events/{created.json()['id']}",
        json={"title": "校园反诈第一课(改到礼堂)"},
        headers=world.auth("coord"),
    )
    assert edit.status_code == 200, edit.text
    changed = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    titles = {s.summary for s in with_icalendar(changed.text).values()}
    assert titles == {"校园反诈第一课(改到礼堂)"}


async def test_3_internal_event_in_private_feed_only(client, world, feed_today):
    created = await client.post(
        "/api/events",
        json={
            "title": "网点员工反诈培训(内部)",
            "kind": "other",
            "starts_at": "2026-12-21T09:00:00+08:00",
            "ends_at": "2026-12-21T10:00:00+08:00",
            "branch_id": world.branches["NJ-LK-A"],
            "visibility": "internal",
        },
        headers=world.auth("coord"),
    )
    assert created.status_code == 201, created.text
    public = await client.get("/calendar.ics")
    assert "网点员工反诈培训" not in public.text
    me = await client.get("/api/users/me", headers=world.auth("staff_lk"))
    url = me.json()["private_calendar_url"]
    private = await client.get(url.replace("http://testserver", ""))
    assert private.status_code == 200
    lint(private.content)
    titles = {s.summary for s in every_parser(private.text)["icalendar"].values()}
    assert titles == {"网点员工反诈培训(内部)"}
    # A user of a sibling branch does not get it.
    other = await client.get("/api/users/me", headers=world.auth("staff_ls"))
    sibling = await client.get(
        other.json()["private_calendar_url"].replace("http://testserver", "")
    )
    assert "网点员工反诈培训" not in sibling.text


def test_4_benchmark_prints_both_ratios():
    # Whether the ratios meet their targets is read from `make bench`: tests never
    # judge wall-clock times. This proves the benchmark runs and reports them.
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "feed.py"), "--events", "200"],
        capture_output=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    ratios = [line for line in out.splitlines() if "/bare" in line or "/floor" in line]
    assert len(ratios) == 3, out
    for line in ratios:
        assert float(line.split()[1]) > 0, line
