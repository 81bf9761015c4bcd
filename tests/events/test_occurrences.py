"""GET /api/occurrences: expansion in the event's zone, exdates, and the caps."""

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
    body = await _occurrences(client, world, **{"from": "2099-01-01", "to": "2099-12-31"})
    assert body["total"] == 364
    assert len(body["items"]) == 364
    assert time.monotonic() - began < 5
    page = await _occurrences(
        client, world, **{"from": "2099-01-01", "to": "2099-12-31", "limit": 10, "offset": 5}
    )
    assert page["items"][0]["starts_at"][:10] == "2099-01-06"
    assert page["total"] == 364


async def test_public_sees_only_published_occurrences(client, world, api):
    await api.create_event(rrule="FREQ=WEEKLY;COUNT=2", visibility="internal")
    response = await client.get(
        "/api/occurrences", params={"from": "2025-03-01", "to": "2025-04-01"}
    )
    assert response.status_code == 200
    assert response.json()["items"] == []
