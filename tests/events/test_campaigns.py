"""Campaigns API: CRUD with goals, per role, and deletion."""

import pytest

from tests.fixtures import detail_of


async def test_coordinator_manages_a_campaign(client, world, api):
    campaign = await api.create_campaign(
        goals={"events": 8, "attendees": 600, "interceptions": 3, "amount_saved": "200000.00"},
        description="进社区、进乡村",
    )
    assert campaign["branch_id"] == world.branches["NJ"]
    assert campaign["goals"] == {
        "events": 8,
        "attendees": 600,
        "interceptions": 3,
        "amount_saved": "200000.00",
    }
    headers = world.auth("coord")
    patched = await client.patch(
        f"/api/campaigns/{campaign['id']}",
        json={"name": "新名称", "goals": {"events": 10}},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "新名称"
    assert patched.json()["goals"]["events"] == 10
    assert patched.json()["goals"]["amount_saved"] == "200000.00"
    cleared = await client.patch(
        f"/api/campaigns/{campaign['id']}",
        json={"goals": {"amount_saved": None}},
        headers=headers,
    )
    assert cleared.json()["goals"] == {
        "events": 10,
        "attendees": 600,
        "interceptions": 3,
        "amount_saved": None,
    }
    listed = await client.get("/api/campaigns", headers=world.auth("staff_lka"))
    assert [c["id"] for c in listed.json()["items"]] == [campaign["id"]]
    assert listed.json()["total"] == 1
    deleted = await client.delete(f"/api/campaigns/{campaign['id']}", headers=headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/campaigns/{campaign['id']}", headers=headers)
    assert gone.status_code == 404


async def test_a_campaign_with_events_cannot_be_deleted(client, world, api):
    campaign = await api.create_campaign()
    event = await api.create_event(campaign_id=campaign["id"])
    response = await client.delete(f"/api/campaigns/{campaign['id']}", headers=world.auth("coord"))
    assert response.status_code == 409
    assert "1 event" in detail_of(response)
    still = await client.get(f"/api/events/{event['id']}")
    assert still.json()["campaign_id"] == campaign["id"]


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("staff_lk", 403), ("coord_lk", 403), ("coord", 200), ("admin", 200)],
)
async def test_only_planners_of_the_subtree_edit(client, world, api, user, status):
    campaign = await api.create_campaign()
    headers = world.auth(user) if user else {}
    response = await client.patch(
        f"/api/campaigns/{campaign['id']}", json={"name": "x"}, headers=headers
    )
    assert response.status_code == status
    deleted = await client.delete(f"/api/campaigns/{campaign['id']}", headers=headers)
    assert deleted.status_code == (204 if status == 200 else status)


async def test_campaign_refusals(client, world, api):
    headers = world.auth("coord")
    base = {"name": "x", "theme": "local", "starts_on": "2025-05-01", "ends_on": "2025-04-01"}
    backwards = await client.post("/api/campaigns", json=base, headers=headers)
    assert backwards.status_code == 422
    assert "ends_on" in detail_of(backwards)
    for change in ({"theme": "party"}, {"goals": {"events": -1}}, {"extra": 1}):
        response = await client.post(
            "/api/campaigns", json={**base, "ends_on": "2025-06-01", **change}, headers=headers
        )
        assert response.status_code == 400, change
    bad_money = await client.post(
        "/api/campaigns",
        json={**base, "ends_on": "2025-06-01", "goals": {"amount_saved": "1,000"}},
        headers=headers,
    )
    assert bad_money.status_code == 422
    other = await client.post(
        "/api/campaigns",
        json={**base, "ends_on": "2025-06-01", "branch_id": world.branches["NJ-LS"]},
        headers=world.auth("coord_lk"),
    )
    assert other.status_code == 403
    # A campaign of NJ-LS is not readable from NJ-LK, so no NJ-LK event may join it.
    ls = await api.create_campaign(branch_id=world.branches["NJ-LS"])
    assert (
        await client.get(f"/api/campaigns/{ls['id']}", headers=world.auth("coord_lk"))
    ).status_code == 404
    # A campaign run from the root is readable below and its events may join it.
    root = await api.create_campaign()
    joined = await api.create_event(user="coord_lk", campaign_id=root["id"])
    assert joined["campaign_id"] == root["id"]
