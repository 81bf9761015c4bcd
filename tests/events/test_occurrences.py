"""GET /api/occurrences: expansion in the event's zone, exdates, and the caps."""

import itertools
import time
from typing import Any

from tests.fixtures import detail_of


async def _occurrences(client: Any, world: Any, **params: Any) -> Any:
    response = await client.get("/api/occurrences", params=params, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    return response.json()


async def test_berlin_weekly_event_stays_at_ten_local_across_dst(client, world, api):
    event = await api.create_event(
        timezone="Europe/Berlin",
        starts_at="2025-03-20T10:00:00+01:00",
        ends_at="2025-03-20T11:00:00+01:00",
        rrule="FREQ=WEEKLY;COUNT=4",
        venue={"name": "Rathaus"},
    )
    body = await _occurrences(client, world, **{"from": "2025-03-01", "to": "2025-05-01"})
    starts = [o["starts_at"] for o in body["items"] if o["event_id"] == event["id"]]
    assert starts == [
        "2025-03-20T10:00:00+01:00",
        "2025-03-27T10:00:00+01:00",
        "2025-04-03T10:00:00+02:00",
        "2025-04-10T10:00:00+02:00",
    ]
    # ... and back in autumn.
    autumn = await api.create_event(
        timezone="Europe/Berlin",
        starts_at="2025-10-20T10:00:00+02:00",
        ends_at="2025-10-20T11:00:00+02:00",
        rrule="FREQ=WEEKLY;UNTIL=20251103T235959Z",
        venue={"name": "Rathaus"},
    )
    body = await _occurrences(client, world, **{"from": "2025-10-01", "to": "2025-12-01"})
    starts = [o["starts_at"] for o in body["items"] if o["event_id"] == autumn["id"]]
    assert starts == [
        "2025-10-20T10:00:00+02:00",
        "2025-10-27T10:00:00+01:00",
        "2025-11-03T10:00:00+01:00",
    ]


async def test_exdates_and_cancelled_events_are_left_out(client, world, api):
    event = await api.create_event(
        rrule="FREQ=DAILY;COUNT=5", exdates=["2025-03-16T10:00:00+08:00"]
    )
    assert event["exdates"] == ["2025-03-16T10:00:00+08:00"]
    body = await _occurrences(client, world, **{"from": "2025-03-01", "to": "2025-04-01"})
    assert [o["starts_at"][:10] for o in body["items"]] == [
        "2025-03-14",
        "2025-03-15",
        "2025-03-17",
        "2025-03-18",
    ]
    assert body["total"] == 4


async def test_window_is_required_and_bounded(client, world, api):
    headers = world.auth("admin")
    assert (await client.get("/api/occurrences", headers=headers)).status_code == 400
    assert (
        await client.get("/api/occurrences", params={"from": "2025-01-01"}, headers=headers)
    ).status_code == 400
    too_long = await client.get(
        "/api/occurrences", params={"from": "2025-01-01", "to": "2027-01-01"}, headers=headers
    )
    assert too_long.status_code == 422
    assert "366 days" in detail_of(too_long)
    backwards = await client.get(
        "/api/occurrences", params={"from": "2025-02-01", "to": "2025-01-01"}, headers=headers
    )
    assert backwards.status_code == 422


async def test_an_unbounded_rule_is_cheap_to_expand(client, world, api):
    await api.create_event(
        rrule="FREQ=DAILY",
        starts_at="2000-01-01T10:00:00+08:00",
        ends_at="2000-01-01T11:00:00+08:00",
    )
    began = time.monotonic()
    # A date-only `to` includes its day: the whole year 2099.
    body = await _occurrences(client, world, **{"from": "2099-01-01", "to": "2099-12-31"})
    assert body["total"] == 365
    assert len(body["items"]) == 365
    assert time.monotonic() - began < 5
    page = await _occurrences(
        client, world, **{"from": "2099-01-01", "to": "2099-12-31", "limit": 10, "offset": 5}
    )
    assert page["items"][0]["starts_at"][:10] == "2099-01-06"
    assert page["total"] == 365


async def test_public_sees_only_published_occurrences(client, world, api):
    await api.create_event(rrule="FREQ=WEEKLY;COUNT=2", visibility="internal")
    response = await client.get(
        "/api/occurrences", params={"from": "2025-03-01", "to": "2025-04-01"}
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- the occurrence table ---------------------------------------------------------


async def _rows(event_id: int) -> list[str]:
    """The event's rows in the occurrence table, as local start times."""
    from zoneinfo import ZoneInfo

    from events.tables import Occurrence

    rows = (
        await Occurrence.select(Occurrence.starts_at)
        .where(Occurrence.event == event_id)
        .order_by(Occurrence.starts_at)
    )
    shanghai = ZoneInfo("Asia/Shanghai")
    return [r["starts_at"].astimezone(shanghai).strftime("%m-%d %H:%M") for r in rows]


async def test_every_write_keeps_the_table_in_step(client, world, api):
    headers = world.auth("coord")
    event = await api.create_event(rrule="FREQ=WEEKLY;COUNT=3")
    assert await _rows(event["id"]) == ["03-14 10:00", "03-21 10:00", "03-28 10:00"]

    moved = await client.patch(
        f"/api/events/{event['id']}",
        json={"starts_at": "2025-03-15T09:00:00+08:00", "ends_at": "2025-03-15T10:00:00+08:00"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert await _rows(event["id"]) == ["03-15 09:00", "03-22 09:00", "03-29 09:00"]

    skipped = await client.patch(
        f"/api/events/{event['id']}",
        json={"exdates": ["2025-03-22T09:00:00+08:00"]},
        headers=headers,
    )
    assert skipped.status_code == 200, skipped.text
    assert await _rows(event["id"]) == ["03-15 09:00", "03-29 09:00"]

    # Columns the rows carry follow the event too: a new kind is counted as such.
    await client.patch(f"/api/events/{event['id']}", json={"kind": "salon"}, headers=headers)
    body = await _occurrences(client, world, **{"from": "2025-03-01", "to": "2025-04-01"})
    assert {o["kind"] for o in body["items"]} == {"salon"}
    salons = await _occurrences(
        client, world, **{"from": "2025-03-01", "to": "2025-04-01", "kind": "salon"}
    )
    assert salons["total"] == 2

    cancelled = await client.post(
        f"/api/events/{event['id']}/cancel", json={"reason": "暴雨"}, headers=headers
    )
    assert cancelled.status_code == 200
    assert await _rows(event["id"]) == []
    body = await _occurrences(client, world, **{"from": "2025-03-01", "to": "2025-04-01"})
    assert body["total"] == 0

    again = await client.patch(
        f"/api/events/{event['id']}", json={"status": "scheduled"}, headers=headers
    )
    assert again.status_code == 200, again.text
    assert await _rows(event["id"]) == ["03-15 09:00", "03-29 09:00"]


async def test_calendar_import_writes_the_rows(client, world):
    from events.tables import Event
    from tests.events.test_calendar_import import ics, vevent

    series = (
        "DTSTART;TZID=Asia/Shanghai:20250505T100000",
        "DTEND;TZID=Asia/Shanghai:20250505T110000",
        "RRULE:FREQ=DAILY;COUNT=3",
    )
    response = await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", ics(vevent("rows@police", "派出所讲座", extra=series)), "x")},
        headers=world.auth("coord"),
    )
    assert response.status_code == 200, response.text
    row = await Event.select(Event.id).where(Event.uid == "rows@police").first()
    assert row is not None
    assert await _rows(row["id"]) == ["05-05 10:00", "05-06 10:00", "05-07 10:00"]

    changed = (
        "DTSTART;TZID=Asia/Shanghai:20250505T100000",
        "DTEND;TZID=Asia/Shanghai:20250505T110000",
        "RRULE:FREQ=DAILY;COUNT=2",
    )
    response = await client.post(
        "/api/imports/calendar",
        files={
            "file": (
                "police.ics",
                ics(vevent("rows@police", "派出所讲座", sequence=1, extra=changed)),
                "x",
            )
        },
        headers=world.auth("coord"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["updated"] == 1
    assert await _rows(row["id"]) == ["05-05 10:00", "05-06 10:00"]


async def test_open_ended_series_stop_at_the_horizon_and_are_extended(client, world, api):
    from datetime import UTC, datetime, timedelta

    from events.occurrence_spans import HORIZON
    from events.occurrence_upkeep import extend_occurrences
    from events.tables import Event, Occurrence

    event = await api.create_event(
        rrule="FREQ=WEEKLY",
        starts_at="2025-01-06T10:00:00+08:00",
        ends_at="2025-01-06T11:00:00+08:00",
    )
    row = await Event.select(Event.occurrences_until).where(Event.id == event["id"]).first()
    assert row is not None
    until = row["occurrences_until"]
    now = datetime.now(UTC)
    assert now + HORIZON - timedelta(minutes=5) < until <= now + HORIZON
    last = (
        await Occurrence.select(Occurrence.starts_at)
        .where(Occurrence.event == event["id"])
        .order_by(Occurrence.starts_at, ascending=False)
        .first()
    )
    assert last is not None
    assert until - timedelta(days=7) <= last["starts_at"] < until

    # Past the rows, the window is expanded on the fly; the answer is the same.
    later = {"from": f"{until + timedelta(days=30):%Y-%m-%d}"}
    later["to"] = f"{until + timedelta(days=120):%Y-%m-%d}"
    beyond = await _occurrences(client, world, **later)
    assert beyond["total"] > 10
    assert all(o["starts_at"].endswith("T10:00:00+08:00") for o in beyond["items"])

    # A year later the upkeep moves the rows forward from where they stopped.
    assert await extend_occurrences(now=now + timedelta(days=365)) == 1
    moved = await Event.select(Event.occurrences_until).where(Event.id == event["id"]).first()
    assert moved is not None
    assert moved["occurrences_until"] == now + timedelta(days=365) + HORIZON
    assert await extend_occurrences(now=now + timedelta(days=365)) == 0
    assert await _occurrences(client, world, **later) == beyond
    starts = [
        r["starts_at"]
        for r in await Occurrence.select(Occurrence.starts_at)
        .where(Occurrence.event == event["id"])
        .order_by(Occurrence.starts_at)
    ]
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(starts))


async def test_occurrences_are_paged_in_sql(client, world, api):
    from tests.tools.queries import counting_reads

    await api.create_event(rrule="FREQ=DAILY;COUNT=300")
    params = {"from": "2025-03-01", "to": "2025-12-31", "limit": 25, "offset": 100}
    with counting_reads() as reads:
        body = await _occurrences(client, world, **params)
    assert body["total"] == 293
    assert [o["starts_at"][:10] for o in body["items"][:2]] == ["2025-06-22", "2025-06-23"]
    assert reads.largest <= 25


async def test_twenty_old_daily_series_do_not_change_what_a_request_reads(client, world, api):
    from tests.tools.queries import counting_reads

    headers = world.auth("admin")
    await api.create_event(
        rrule="FREQ=DAILY;COUNT=60",
        starts_at="2025-03-01T19:00:00+08:00",
        ends_at="2025-03-01T20:00:00+08:00",
    )
    window = {"from": "2025-03-01", "to": "2025-03-31", "limit": 20}
    year = {"from": "2025-01-01", "to": "2025-12-31"}

    async def measure() -> tuple[tuple[int, int], tuple[int, int], Any, Any]:
        with counting_reads() as listed:
            occurrences = await client.get("/api/occurrences", params=window, headers=headers)
        with counting_reads() as summed:
            summary = await client.get("/api/reports/summary", params=year, headers=headers)
        assert occurrences.status_code == summary.status_code == 200
        return (
            (listed.queries, listed.rows),
            (summed.queries, summed.rows),
            occurrences.json(),
            summary.json(),
        )

    before = await measure()
    for n in range(20):
        await api.create_event(
            title=f"网点每日晨会宣讲 {n}",
            rrule="FREQ=DAILY",
            starts_at="2000-01-03T09:00:00+08:00",
            ends_at="2000-01-03T09:30:00+08:00",
            venue={"name": f"网点 {n}"},
        )
    after = await measure()
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2]["total"] == before[2]["total"] + 20 * 31
    assert after[3]["events"]["held"] == before[3]["events"]["held"] + 20 * 365
