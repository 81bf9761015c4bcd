"""Scheduling conflicts: same venue of the same branch, or same host, both scheduled."""

from typing import Any

import pytest

from tests.events.conftest import event_body
from tests.fixtures import detail_of


async def _post(client: Any, world: Any, **overrides: Any) -> Any:
    return await client.post(
        "/api/events", json=event_body(**overrides), headers=world.auth("coord")
    )


async def test_same_venue_other_branch_is_no_conflict(client, world, api):
    await api.create_event(branch_id=world.branches["NJ-LK"])
    other = await _post(client, world, branch_id=world.branches["NJ-LS"])
    assert other.status_code == 201


async def test_same_host_clashes_across_branches_and_venues(client, world, api):
    first = await api.create_event(host="和丽芳", branch_id=world.branches["NJ-LK"])
    response = await _post(
        client,
        world,
        host=" 和丽芳 ",
        branch_id=world.branches["NJ-LS"],
        venue={"name": "泸水"},
        starts_at="2025-03-14T11:00:00+08:00",
        ends_at="2025-03-14T12:00:00+08:00",
    )
    assert response.status_code == 409
    assert response.json()["extra"] == [
        {
            "id": first["id"],
            "title": first["title"],
            "starts_at": "2025-03-14T10:00:00+08:00",
            "clash_at": "2025-03-14T11:00:00+08:00",
        }
    ]


@pytest.mark.parametrize(
    ("starts", "ends", "status"),
    [
        ("2025-03-14T11:30:00+08:00", "2025-03-14T12:00:00+08:00", 201),  # touches the end
        ("2025-03-14T09:00:00+08:00", "2025-03-14T10:00:00+08:00", 201),  # touches the start
        ("2025-03-14T09:00:00+08:00", "2025-03-14T10:01:00+08:00", 409),
        ("2025-03-14T10:30:00+08:00", "2025-03-14T10:45:00+08:00", 409),
        ("2025-03-14T02:30:00Z", "2025-03-14T02:45:00Z", 409),
    ],
)
async def test_overlap_boundaries(client, world, api, starts, ends, status):
    await api.create_event(venue={"name": "Hall A"})
    response = await _post(
        client, world, starts_at=starts, ends_at=ends, venue={"name": "hall   a"}
    )
    assert response.status_code == status, response.text


async def test_drafts_and_cancelled_events_do_not_clash(client, world, api):
    draft = await api.create_event(status="draft")
    assert (await _post(client, world)).status_code == 201
    publish = await client.patch(
        f"/api/events/{draft['id']}", json={"status": "scheduled"}, headers=world.auth("coord")
    )
    assert publish.status_code == 409
    assert "allow_conflicts" in detail_of(publish)
    forced = await client.patch(
        f"/api/events/{draft['id']}",
        json={"status": "scheduled", "allow_conflicts": True},
        headers=world.auth("coord"),
    )
    assert forced.status_code == 200
    assert forced.json()["status"] == "scheduled"
    # Unrelated edits of an event that was forced in are not refused again.
    retitled = await client.patch(
        f"/api/events/{draft['id']}", json={"capacity": 50}, headers=world.auth("coord")
    )
    assert retitled.status_code == 200


async def test_recurring_events_clash_occurrence_by_occurrence(client, world, api):
    series = await api.create_event(
        rrule="FREQ=WEEKLY;COUNT=6", exdates=["2025-03-28T10:00:00+08:00"]
    )
    free_day = await _post(
        client, world, starts_at="2025-03-15T10:00:00+08:00", ends_at="2025-03-15T11:00:00+08:00"
    )
    assert free_day.status_code == 201
    exdated = await _post(
        client,
        world,
        starts_at="2025-03-28T10:00:00+08:00",
        ends_at="2025-03-28T11:00:00+08:00",
        venue={"name": "六库支行营业厅"},
    )
    assert exdated.status_code == 201
    fifth = await _post(
        client, world, starts_at="2025-04-11T10:30:00+08:00", ends_at="2025-04-11T11:00:00+08:00"
    )
    assert fifth.status_code == 409
    assert fifth.json()["extra"][0]["id"] == series["id"]
    assert fifth.json()["extra"][0]["clash_at"] == "2025-04-11T10:30:00+08:00"
    after_series = await _post(
        client, world, starts_at="2025-04-25T10:00:00+08:00", ends_at="2025-04-25T11:00:00+08:00"
    )
    assert after_series.status_code == 201
    # A second weekly series on another weekday never meets the first...
    tuesday = await _post(
        client,
        world,
        rrule="FREQ=WEEKLY",
        starts_at="2025-03-18T10:00:00+08:00",
        ends_at="2025-03-18T11:00:00+08:00",
    )
    assert tuesday.status_code == 201, tuesday.text
    # ... but an open-ended daily one does, at a later occurrence.
    daily = await _post(
        client,
        world,
        rrule="FREQ=DAILY",
        starts_at="2025-03-19T10:00:00+08:00",
        ends_at="2025-03-19T10:30:00+08:00",
    )
    assert daily.status_code == 409
    assert {e["id"] for e in daily.json()["extra"]} >= {series["id"]}


async def test_moving_an_event_onto_another_is_refused(client, world, api):
    first = await api.create_event()
    second = await api.create_event(
        starts_at="2025-03-14T14:00:00+08:00", ends_at="2025-03-14T15:00:00+08:00"
    )
    moved = await client.patch(
        f"/api/events/{second['id']}",
        json={"starts_at": "2025-03-14T10:00:00+08:00", "ends_at": "2025-03-14T11:00:00+08:00"},
        headers=world.auth("coord"),
    )
    assert moved.status_code == 409
    assert moved.json()["extra"][0]["id"] == first["id"]
    unchanged = await client.get(f"/api/events/{second['id']}")
    assert unchanged.json()["starts_at"] == second["starts_at"]
    assert unchanged.json()["sequence"] == second["sequence"]
    # An event does not clash with itself when it is edited.
    itself = await client.patch(
        f"/api/events/{first['id']}",
        json={"ends_at": "2025-03-14T11:45:00+08:00"},
        headers=world.auth("coord"),
    )
    assert itself.status_code == 200


SECRET = "内部培训 HIDDEN-CLASH"


async def _hidden_booking(api, world, **overrides: Any) -> dict[str, Any]:
    """An internal event of NJ-LS with host 和丽芳: NJ-LK's planners cannot see it."""
    body: dict[str, Any] = {
        "title": SECRET,
        "host": "和丽芳",
        "visibility": "internal",
        "branch_id": world.branches["NJ-LS"],
        "venue": {"name": "泸水市支行会议室"},
    }
    return await api.create_event(**{**body, **overrides})


async def test_clashes_the_caller_cannot_see_are_only_counted(client, world, api):
    hidden = await _hidden_booking(api, world)
    response = await client.post(
        "/api/events",
        json=event_body(host="和丽芳", branch_id=world.branches["NJ-LK"]),
        headers=world.auth("coord_lk"),
    )
    assert response.status_code == 409
    detail = detail_of(response)
    assert "1 event you cannot see" in detail
    assert "allow_conflicts" in detail
    for secret in (SECRET, f"#{hidden['id']}", "10:00", "泸水"):
        assert secret not in response.text, secret
    assert response.json().get("extra", []) == []
    # The planner of the whole network sees it, and is told what it is.
    seen = await client.post(
        "/api/events",
        json=event_body(host="和丽芳", branch_id=world.branches["NJ-LK"]),
        headers=world.auth("coord"),
    )
    assert seen.status_code == 409
    assert SECRET in detail_of(seen)
    assert "cannot see" not in detail_of(seen)
    assert [c["id"] for c in seen.json()["extra"]] == [hidden["id"]]


async def test_visible_clashes_are_listed_and_hidden_ones_counted(client, world, api):
    await _hidden_booking(api, world)
    await _hidden_booking(
        api,
        world,
        title=f"{SECRET} 2",
        starts_at="2025-03-14T10:30:00+08:00",
        ends_at="2025-03-14T11:00:00+08:00",
        allow_conflicts=True,
    )
    # A public event of another branch is visible to everyone signed in: it is named.
    public = await api.create_event(
        title="泸水公开讲座",
        host="和丽芳",
        branch_id=world.branches["NJ-LS"],
        venue={"name": "泸水广场"},
        starts_at="2025-03-14T11:00:00+08:00",
        ends_at="2025-03-14T12:00:00+08:00",
        allow_conflicts=True,
    )
    response = await client.post(
        "/api/events",
        json=event_body(
            host="和丽芳",
            branch_id=world.branches["NJ-LK"],
            ends_at="2025-03-14T11:30:00+08:00",
        ),
        headers=world.auth("coord_lk"),
    )
    assert response.status_code == 409
    detail = detail_of(response)
    assert "“泸水公开讲座”" in detail
    assert "and 2 events you cannot see" in detail
    assert "2025-03-14T11:00:00+08:00" in detail  # the first clash the caller can see
    assert SECRET not in response.text
    assert [c["id"] for c in response.json()["extra"]] == [public["id"]]


async def test_a_move_onto_a_hidden_booking_is_refused_without_details(client, world, api):
    await _hidden_booking(api, world)
    mine = await api.create_event(
        user="coord_lk",
        host="和丽芳",
        branch_id=world.branches["NJ-LK"],
        starts_at="2025-03-14T14:00:00+08:00",
        ends_at="2025-03-14T15:00:00+08:00",
    )
    moved = await client.patch(
        f"/api/events/{mine['id']}",
        json={"starts_at": "2025-03-14T10:00:00+08:00", "ends_at": "2025-03-14T11:00:00+08:00"},
        headers=world.auth("coord_lk"),
    )
    assert moved.status_code == 409
    assert "1 event you cannot see" in detail_of(moved)
    assert SECRET not in moved.text
