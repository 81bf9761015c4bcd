"""Event rules that read then write hold when requests race, on SQLite and PostgreSQL.

Each test fires its requests at once with asyncio.gather over the ASGI client:
on PostgreSQL every request takes its own pooled connection, so the check of
one request and the write of another interleave (READ COMMITTED lets two
transactions both read "free" before either writes, unless the rule is
serialised). A race is not lost every time, so each test runs several rounds.
SQLite serialises writers by itself; the same tests hold there.
"""

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from tests.events.conftest import event_body
from tests.fixtures import detail_of

ROUNDS = 4


async def _gather(*requests: Any) -> list[httpx.Response]:
    return list(await asyncio.gather(*requests))


def _day(n: int) -> dict[str, str]:
    """A slot of its own for round n."""
    start = datetime(2025, 3, 10, 10, tzinfo=timezone(timedelta(hours=8))) + timedelta(days=n)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=90)).isoformat(),
    }


async def test_identical_bookings_at_once_create_exactly_one(client, world):
    for n in range(ROUNDS):
        body = event_body(host="和丽芳", branch_id=world.branches["NJ-LK"], **_day(n))
        responses = await _gather(
            *[client.post("/api/events", json=body, headers=world.auth("coord")) for _ in range(8)]
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 7, (n, [r.text[:200] for r in responses])
        assert all("allow_conflicts" in detail_of(r) for r in responses if r.status_code == 409)
    listed = await client.get("/api/events", headers=world.auth("coord"))
    assert listed.json()["total"] == ROUNDS


async def test_same_host_in_two_branches_at_once_is_booked_once(client, world):
    # The host clash spans branches: these requests guard different venues.
    for n in range(ROUNDS):
        bodies = [
            event_body(
                host="李警官", branch_id=world.branches[code], venue={"name": code}, **_day(n)
            )
            for code in ("NJ-LK", "NJ-LS") * 3
        ]
        responses = await _gather(
            *[client.post("/api/events", json=b, headers=world.auth("coord")) for b in bodies]
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 5, n


async def test_one_uid_posted_at_once_is_stored_once(client, world):
    for n in range(ROUNDS):
        bodies = [
            event_body(uid=f"same-uid-{n}@police", venue={"name": f"厅 {k}"}, status="draft")
            for k in range(6)
        ]
        responses = await _gather(
            *[client.post("/api/events", json=b, headers=world.auth("coord")) for b in bodies]
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 5, n
        for refused in (r for r in responses if r.status_code == 409):
            assert f"same-uid-{n}@police cannot be used" in detail_of(refused)


async def test_attendance_for_one_occurrence_at_once_keeps_one_record(client, world, api):
    for n in range(ROUNDS):
        event = await api.create_event(branch_id=world.branches["NJ-LK"], **_day(n))
        url = f"/api/events/{event['id']}/attendance"
        responses = await _gather(
            *[
                client.put(
                    url,
                    json={"occurrence_start": event["starts_at"], "headcount": 10 + k},
                    headers=world.auth("staff_lk"),
                )
                for k in range(6)
            ]
        )
        assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
        listed = (await client.get(url, headers=world.auth("staff_lk"))).json()
        assert listed["total"] == 1
        assert listed["items"][0]["headcount"] in {10 + k for k in range(6)}


async def test_campaign_deleted_while_an_event_joins_it(client, world, api):
    for n in range(ROUNDS):
        campaign = await api.create_campaign(name=f"宣传月 {n}")
        deleted, created = await _gather(
            client.delete(f"/api/campaigns/{campaign['id']}", headers=world.auth("coord")),
            client.post(
                "/api/events",
                json=event_body(campaign_id=campaign["id"], status="draft", **_day(n)),
                headers=world.auth("coord"),
            ),
        )
        # Either the campaign went first (the event is refused) or the event joined first
        # (the campaign keeps its event and stays): never an event silently detached.
        if deleted.status_code == 204:
            assert created.status_code == 422, created.text
        else:
            assert deleted.status_code == 409, deleted.text
            assert created.status_code == 201
            assert created.json()["campaign_id"] == campaign["id"]
            stored = await client.get(
                f"/api/events/{created.json()['id']}", headers=world.auth("coord")
            )
            assert stored.json()["campaign_id"] == campaign["id"]


async def test_imports_and_edits_of_the_same_events_at_once_never_deadlock(client, world):
    from tests.events.test_calendar_import import ics, vevent

    def source(sequence: int) -> bytes:
        return ics(
            *[
                vevent(
                    f"{n}@police",
                    f"讲座{n} v{sequence}",
                    sequence=sequence,
                    extra=(
                        f"DTSTART;TZID=Asia/Shanghai:2025031{n}T1{sequence % 10}0000",
                        f"DTEND;TZID=Asia/Shanghai:2025031{n}T1{sequence % 10}3000",
                    ),
                )
                for n in range(3)
            ]
        )

    async def upload(body: bytes) -> httpx.Response:
        return await client.post(
            "/api/imports/calendar",
            files={"file": ("p.ics", body, "text/calendar")},
            headers=world.auth("coord"),
        )

    first = await upload(source(0))
    ids = [e["id"] for e in first.json()["events"]]
    for event_id in ids:
        published = await client.patch(
            f"/api/events/{event_id}", json={"status": "scheduled"}, headers=world.auth("coord")
        )
        assert published.status_code == 200
    for n in range(1, ROUNDS + 1):
        edits = [
            client.patch(
                f"/api/events/{event_id}",
                json={"ends_at": f"2025-03-1{k}T1{n % 10}:45:00+08:00", "description": f"v{n}"},
                headers=world.auth("coord"),
            )
            for k, event_id in enumerate(ids)
        ]
        responses = await _gather(upload(source(n + 1)), *reversed(edits))
        assert all(r.status_code in (200, 409, 422) for r in responses), [
            r.text[:300] for r in responses
        ]
    for event_id in ids:
        items = (
            await client.get(f"/api/events/{event_id}/history", headers=world.auth("coord"))
        ).json()["items"]
        assert items[0]["action"] == "import"
