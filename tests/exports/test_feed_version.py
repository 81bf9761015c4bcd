"""The feed version: every write a feed shows reaches it, in commit order, in every worker."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.exports.conftest import client_of
from tests.tools.calendars import lint, unfolded_lines, with_icalendar


def _calname(body: str) -> str:
    (line,) = [x for x in unfolded_lines(body.encode()) if x.startswith("X-WR-CALNAME:")]
    return line.split(":", 1)[1]


def _titles(body: str) -> set[str]:
    return {seen.summary for seen in with_icalendar(body).values()}


async def _create(client: httpx.AsyncClient, world: Any, title: str, **extra: Any) -> int:
    start = extra.pop("starts_at", datetime.now(UTC).replace(microsecond=0) + timedelta(days=5))
    response = await client.post(
        "/api/events",
        json={
            "title": title,
            "kind": "lecture",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "branch_id": extra.pop("branch_id", world.branches["NJ-LK"]),
            "venue": {"name": f"{title}会场", "venue_type": "branch_hall"},
            **extra,
        },
        headers=world.auth("coord"),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _rename(client: httpx.AsyncClient, world: Any, event_id: int, title: str) -> None:
    response = await client.patch(
        f"/api/events/{event_id}", json={"title": title}, headers=world.auth("coord")
    )
    assert response.status_code == 200, response.text


async def test_branch_rename_reaches_the_calendar_name_and_the_etag(client, world, add_event):
    await add_event(title="六库讲座", branch=world.branches["NJ-LK"])
    first = await client.get("/calendar.ics", params={"branch": "NJ-LK"})
    assert _calname(first.text) == "防诈宣传活动 · 六库支行"
    etag = first.headers["etag"]

    renamed = await client.patch(
        f"/api/branches/{world.branches['NJ-LK']}",
        json={"name": "六库支行(新址)"},
        headers=world.auth("admin"),
    )
    assert renamed.status_code == 200, renamed.text
    after = await client.get(
        "/calendar.ics", params={"branch": "NJ-LK"}, headers={"If-None-Match": etag}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert _calname(after.text) == "防诈宣传活动 · 六库支行(新址)"
    lint(after.content)


async def test_branch_move_takes_its_events_along(client, world, add_event):
    await add_event(title="向阳网点讲座", branch=world.branches["NJ-LK-A"])
    assert _titles((await client.get("/calendar.ics?branch=NJ-LK")).text) == {"向阳网点讲座"}
    assert _titles((await client.get("/calendar.ics?branch=NJ-LS")).text) == set()
    moved = await client.patch(
        f"/api/branches/{world.branches['NJ-LK-A']}",
        json={"parent_id": world.branches["NJ-LS"]},
        headers=world.auth("admin"),
    )
    assert moved.status_code == 200, moved.text
    assert _titles((await client.get("/calendar.ics?branch=NJ-LK")).text) == set()
    assert _titles((await client.get("/calendar.ics?branch=NJ-LS")).text) == {"向阳网点讲座"}


async def test_campaign_theme_reaches_the_categories(client, world, add_event):
    campaign = await client.post(
        "/api/campaigns",
        json={
            "name": "宣传月",
            "theme": "local",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "branch_id": world.branches["NJ"],
        },
        headers=world.auth("coord"),
    )
    assert campaign.status_code == 201, campaign.text
    await add_event(title="讲座", campaign=campaign.json()["id"])
    assert "CATEGORIES:lecture,local" in (await client.get("/calendar.ics")).text
    patched = await client.patch(
        f"/api/campaigns/{campaign.json()['id']}",
        json={"theme": "anti_fraud_month"},
        headers=world.auth("coord"),
    )
    assert patched.status_code == 200, patched.text
    assert "CATEGORIES:lecture,anti_fraud_month" in (await client.get("/calendar.ics")).text


async def test_calendar_reimport_of_a_published_event_reaches_the_feed(client, world):
    event = await _create(client, world, "派出所讲座", uid="talk@police")
    assert _titles((await client.get("/calendar.ics")).text) == {"派出所讲座"}
    start = datetime.now(UTC) + timedelta(days=5)
    ics = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Police//Anti-fraud//ZH",
            "BEGIN:VEVENT",
            "UID:talk@police",
            f"DTSTAMP:{start:%Y%m%dT%H%M%SZ}",
            "SEQUENCE:5",
            "SUMMARY:派出所讲座(改到礼堂)",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    imported = await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", ics.encode(), "text/calendar")},
        headers=world.auth("coord"),
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["updated"] == 1
    assert _titles((await client.get("/calendar.ics")).text) == {"派出所讲座(改到礼堂)"}
    assert event


async def test_an_edit_stamped_before_a_later_one_still_reaches_the_feed(
    client, world, time_machine
):
    """The commit-order case made deterministic with the clock.

    Edit A stamps its time, then commits only after edit B, stamped later, has
    committed and a poll has cached the feed (a slow transaction, or a worker
    whose clock lags). A change signal of max(updated_at) never moves for A.
    """
    start = datetime.now(UTC).replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    a = await _create(client, world, "甲讲座")
    b = await _create(client, world, "乙讲座", starts_at=start + timedelta(days=6))
    assert _titles((await client.get("/calendar.ics")).text) == {"甲讲座", "乙讲座"}

    time_machine.move_to(start + timedelta(seconds=60), tick=False)
    await _rename(client, world, b, "乙讲座(改)")
    seen_b = await client.get("/calendar.ics")
    assert _titles(seen_b.text) == {"甲讲座", "乙讲座(改)"}

    time_machine.move_to(start + timedelta(seconds=30), tick=False)
    await _rename(client, world, a, "甲讲座(改)")
    time_machine.move_to(start + timedelta(seconds=90), tick=False)
    after = await client.get(
        "/calendar.ics", headers={"If-Modified-Since": seen_b.headers["last-modified"]}
    )
    assert after.status_code == 200
    assert _titles(after.text) == {"甲讲座(改)", "乙讲座(改)"}


@pytest.mark.postgres_only
async def test_a_transaction_that_commits_late_reaches_the_feed(client, world):
    """The same with real transactions: A's is open while B's commits and a poll caches."""
    import asyncpg

    a = await _create(client, world, "甲讲座")
    b = await _create(client, world, "乙讲座", starts_at=datetime.now(UTC) + timedelta(days=6))
    assert _titles((await client.get("/calendar.ics")).text) == {"甲讲座", "乙讲座"}

    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        late = connection.transaction()
        await late.start()
        await connection.execute(
            "UPDATE event SET title = $1, updated_at = $2, sequence = sequence + 1 WHERE id = $3",
            "甲讲座(改)",
            datetime.now(UTC),
            a,
        )
        await _rename(client, world, b, "乙讲座(改)")
        cached = await client.get("/calendar.ics")
        assert _titles(cached.text) == {"甲讲座", "乙讲座(改)"}
        # As the events service ends its write: the version moves in the same transaction.
        await connection.execute(
            "UPDATE feed_version SET version = version + 1, "
            "changed_at_unix = changed_at_unix + 1 WHERE id = 1"
        )
        await late.commit()
    finally:
        await connection.close()
    after = await client.get("/calendar.ics", headers={"If-None-Match": cached.headers["etag"]})
    assert after.status_code == 200
    assert _titles(after.text) == {"甲讲座(改)", "乙讲座(改)"}


async def test_two_app_instances_see_each_others_changes(world, add_event):
    from app.factory import create_app

    event = await add_event(title="讲座", branch=world.branches["NJ-LK"])
    async with client_of(create_app()) as one, client_of(create_app()) as two:
        warm = await two.get("/calendar.ics", params={"branch": "NJ-LK"})
        assert _calname(warm.text) == "防诈宣传活动 · 六库支行"
        await _rename(one, world, event, "讲座(改期)")
        renamed = await one.patch(
            f"/api/branches/{world.branches['NJ-LK']}",
            json={"name": "六库支行营业部"},
            headers=world.auth("admin"),
        )
        assert renamed.status_code == 200
        seen = await two.get(
            "/calendar.ics",
            params={"branch": "NJ-LK"},
            headers={"If-None-Match": warm.headers["etag"]},
        )
        assert seen.status_code == 200
        assert _calname(seen.text) == "防诈宣传活动 · 六库支行营业部"
        assert _titles(seen.text) == {"讲座(改期)"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_servers(database: None) -> Iterator[list[str]]:
    """Two `fangzha serve` processes on the test database, as two workers would be."""
    command = str(Path(sys.executable).parent / "fangzha")
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [command, "serve", "--port", str(port)],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            _wait_for(base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_for(base: str) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start within 30 seconds")


async def test_two_server_processes_see_each_others_changes(world, two_servers):
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as writer:
        # The servers keep the real clock: the event lies days ahead of it.
        event = await _create(writer, world, "讲座")
    async with httpx.AsyncClient(base_url=second) as reader:
        warm = await reader.get("/calendar.ics", params={"branch": "NJ-LK"})
        assert warm.status_code == 200
        assert f"URL:{second}/events/{event}" in warm.text  # the port it listens on
        async with httpx.AsyncClient(base_url=first) as writer:
            edited = await writer.patch(
                f"/api/events/{event}", json={"title": "讲座(改期)"}, headers=world.auth("coord")
            )
            assert edited.status_code == 200, edited.text
        seen = await reader.get(
            "/calendar.ics",
            params={"branch": "NJ-LK"},
            headers={"If-None-Match": warm.headers["etag"]},
        )
        assert seen.status_code == 200
        assert _titles(seen.text) == {"讲座(改期)"}

        # Through a real server too: HEAD answers like GET without a body.
        got = await reader.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
        head = await reader.head("/calendar.ics", headers={"Accept-Encoding": "gzip"})
        assert head.status_code == 200
        assert head.content == b""
        for name in ("content-length", "content-encoding", "etag", "vary"):
            assert head.headers[name] == got.headers[name], name
        # Last-Modified is the version's second, never later than the response's
        # Date (RFC 9110): a version stamped ahead of the clock shows as "now",
        # which may have moved on by one second between the two requests.
        shown = parsedate_to_datetime(got.headers["last-modified"])
        head_shown = parsedate_to_datetime(head.headers["last-modified"])
        assert timedelta(0) <= head_shown - shown <= timedelta(seconds=1)
        # And a stranger's Host header is refused before it reaches links or the cache.
        evil = await reader.get("/calendar.ics", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        assert "host" in evil.json()["detail"]
        modified = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
        still = await reader.get("/calendar.ics", headers={"If-Modified-Since": modified})
        assert still.status_code == 304
