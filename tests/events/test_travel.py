"""Outreach trips: travel_km and remote_area on events, and the summary's outreach figures."""

import pytest

from tests.fixtures import detail_of


async def test_travel_fields_are_stored_exactly_and_changed(client, world, api):
    event = await api.create_event(kind="home_visit", travel_km="56.5", remote_area=True)
    assert event["travel_km"] == "56.5"
    assert event["remote_area"] is True
    whole = await api.create_event(travel_km="12", venue={"name": "b"})
    assert whole["travel_km"] == "12.0"
    assert whole["remote_area"] is False
    plain = await api.create_event(venue={"name": "c"})
    assert plain["travel_km"] is None

    headers = world.auth("coord")
    changed = await client.patch(
        f"/api/events/{event['id']}", json={"travel_km": "0.1"}, headers=headers
    )
    assert changed.json()["travel_km"] == "0.1"
    assert changed.json()["remote_area"] is True
    # Neither field is a change a subscribed calendar must see.
    assert changed.json()["sequence"] == event["sequence"]
    cleared = await client.patch(
        f"/api/events/{event['id']}",
        json={"travel_km": None, "remote_area": False},
        headers=headers,
    )
    assert cleared.json()["travel_km"] is None
    assert cleared.json()["remote_area"] is False
    read = await client.get(f"/api/events/{event['id']}", headers=headers)
    assert (read.json()["travel_km"], read.json()["remote_area"]) == (None, False)


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [
        ("-3", 422, "negative"),
        ("-0.5", 422, "negative"),
        ("12.55", 422, "one decimal"),
        ("abc", 422, "not a distance"),
        ("1e3", 422, "not a distance"),
        ("12,5", 422, "not a distance"),
        ("", 422, "not a distance"),
        ("10000.1", 422, "at most 10000.0"),
        (56.5, 400, None),
        (True, 400, None),
    ],
)
async def test_bad_distances_are_refused_clearly(client, world, api, value, status, words):
    from tests.events.conftest import event_body

    response = await client.post(
        "/api/events", json=event_body(travel_km=value), headers=world.auth("coord")
    )
    assert response.status_code == status, response.text
    if words:
        assert words in detail_of(response)
    event = await api.create_event(venue={"name": "patched"})
    patched = await client.patch(
        f"/api/events/{event['id']}", json={"travel_km": value}, headers=world.auth("coord")
    )
    assert patched.status_code == status
    remote = await client.patch(
        f"/api/events/{event['id']}", json={"remote_area": "yes"}, headers=world.auth("coord")
    )
    assert remote.status_code == 400


async def test_outreach_counts_held_occurrences_and_their_distances(client, world, api):
    await api.create_event(
        title="上门服务",
        kind="home_visit",
        starts_at="2025-04-01T09:00:00+08:00",
        ends_at="2025-04-01T12:00:00+08:00",
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2025-04-15T09:00:00+08:00"],
        travel_km="62.5",
        remote_area=True,
        venue={"name": "高山村寨"},
    )
    await api.create_event(
        title="城区上门",
        kind="home_visit",
        starts_at="2025-04-02T09:00:00+08:00",
        ends_at="2025-04-02T10:00:00+08:00",
        travel_km="3.3",
        venue={"name": "城区"},
    )
    await api.create_event(
        title="进村宣讲",
        kind="village_visit",
        starts_at="2025-04-03T09:00:00+08:00",
        ends_at="2025-04-03T10:00:00+08:00",
        travel_km="0.1",
        remote_area=True,
        venue={"name": "村委会"},
        branch_id=world.branches["NJ-LS"],
    )
    await api.create_event(
        title="厅堂讲座",
        kind="lecture",
        starts_at="2025-04-04T09:00:00+08:00",
        ends_at="2025-04-04T10:00:00+08:00",
        travel_km="0",
        venue={"name": "大厅"},
    )
    await api.create_event(
        title="草稿上门",
        kind="home_visit",
        status="draft",
        travel_km="99",
        remote_area=True,
        venue={"name": "x"},
    )
    params = {"from": "2025-01-01", "to": "2026-01-01"}
    body = (
        await client.get("/api/reports/summary", params=params, headers=world.auth("admin"))
    ).json()
    assert body["outreach"] == {
        "home_visits": 4,
        "trips": 5,
        "travel_km": "190.9",
        "remote_travel_km": "187.6",
    }
    ls = (
        await client.get(
            "/api/reports/summary",
            params={**params, "branch": "NJ-LS"},
            headers=world.auth("admin"),
        )
    ).json()
    assert ls["outreach"] == {
        "home_visits": 0,
        "trips": 1,
        "travel_km": "0.1",
        "remote_travel_km": "0.1",
    }
