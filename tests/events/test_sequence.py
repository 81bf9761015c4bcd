"""`sequence` goes up on changes a calendar must see, and only on those."""

import pytest

from tests.events.conftest import instant

VISIBLE = [
    {"title": "新标题"},
    {"starts_at": "2025-03-14T10:30:00+08:00"},
    {"ends_at": "2025-03-14T12:00:00+08:00"},
    {"timezone": "Asia/Urumqi"},
    {"venue": {"name": "泸水市支行营业厅", "venue_type": "branch_hall"}},
    {"venue": {"name": "六库支行营业厅", "address": "新地址", "venue_type": "branch_hall"}},
    {"status": "draft"},
    {"rrule": "FREQ=WEEKLY;COUNT=3"},
]
INVISIBLE = [
    {"description": "更详细的介绍"},
    {"host": "新主讲人"},
    {"capacity": 120},
    {"languages": ["zh"]},
    {"audiences": ["students"]},
    {"kind": "salon"},
    {"visibility": "internal"},
    {"title": "防范电信网络诈骗讲座"},  # the same value: no change at all
]


@pytest.mark.parametrize("change", VISIBLE)
async def test_calendar_visible_changes_bump_sequence(client, world, api, change):
    event = await api.create_event()
    response = await client.patch(
        f"/api/events/{event['id']}", json=change, headers=world.auth("coord")
    )
    assert response.status_code == 200, response.text
    assert response.json()["sequence"] == event["sequence"] + 1
    assert response.json()["uid"] == event["uid"]
    assert instant(response.json()["updated_at"]) > instant(event["updated_at"])


@pytest.mark.parametrize("change", INVISIBLE)
async def test_other_changes_leave_sequence_alone(client, world, api, change):
    event = await api.create_event()
    response = await client.patch(
        f"/api/events/{event['id']}", json=change, headers=world.auth("coord")
    )
    assert response.status_code == 200, response.text
    assert response.json()["sequence"] == event["sequence"]


async def test_exdates_bump_sequence_and_each_change_counts_once(client, world, api):
    event = await api.create_event(rrule="FREQ=WEEKLY;COUNT=4")
    first = await client.patch(
        f"/api/events/{event['id']}",
        json={"exdates": ["2025-03-21T10:00:00+08:00"], "title": "改", "capacity": 5},
        headers=world.auth("coord"),
    )
    assert first.status_code == 200, first.text
    assert first.json()["sequence"] == 1
    assert first.json()["exdates"] == ["2025-03-21T10:00:00+08:00"]
    same = await client.patch(
        f"/api/events/{event['id']}",
        json={"exdates": ["2025-03-21T02:00:00Z"]},
        headers=world.auth("coord"),
    )
    assert same.json()["sequence"] == 1
    assert same.json()["updated_at"] == first.json()["updated_at"]
