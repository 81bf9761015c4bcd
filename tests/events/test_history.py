"""The append-only histories of events and of attendance, read through the API."""

from typing import Any

import pytest

from tests.fixtures import detail_of


async def _history(client, world, url: str, user: str = "coord") -> list[dict[str, Any]]:
    response = await client.get(url, headers=world.auth(user))
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["offset"]) == (len(page["items"]), 0)
    return page["items"]


async def test_every_event_write_is_in_its_history(client, world, api):
    event = await api.create_event(user="coord_lk", branch_id=world.branches["NJ-LK"])
    url = f"/api/events/{event['id']}"
    headers = world.auth("coord_lk")
    assert (await client.patch(url, json={"description": "请带身份证"}, headers=headers)).is_success
    moved = await client.patch(
        url,
        json={"starts_at": "2025-03-14T14:00:00+08:00", "ends_at": "2025-03-14T15:00:00+08:00"},
        headers=world.auth("coord"),
    )
    assert moved.status_code == 200
    same = await client.patch(url, json={"description": "请带身份证"}, headers=headers)
    assert same.status_code == 200
    cancelled = await client.post(f"{url}/cancel", json={"reason": "暴雨"}, headers=headers)
    assert cancelled.status_code == 200
    again = await client.post(f"{url}/cancel", json={"reason": "又下雨"}, headers=headers)
    assert again.status_code == 200

    items = await _history(client, world, f"{url}/history", user="staff_lk")
    assert [i["action"] for i in items] == ["create", "update", "update", "cancel"]
    assert [i["user"] for i in items] == ["coord_lk", "coord_lk", "coord", "coord_lk"]
    created = items[0]["changes"]
    assert created["title"] == [None, event["title"]]
    assert created["uid"] == [None, event["uid"]]
    assert created["starts_at"] == [None, "2025-03-14T10:00:00+08:00"]
    assert created["venue"][1]["name"] == "六库支行营业厅"
    assert items[1]["changes"] == {"description": ["", "请带身份证"]}
    assert items[2]["changes"] == {
        "starts_at": ["2025-03-14T10:00:00+08:00", "2025-03-14T14:00:00+08:00"],
        "ends_at": ["2025-03-14T11:30:00+08:00", "2025-03-14T15:00:00+08:00"],
        "sequence": [0, 1],
    }
    assert items[3]["changes"] == {
        "status": ["scheduled", "cancelled"],
        "sequence": [1, 2],
        "cancel_reason": ["", "暴雨"],
    }
    # Times are shown in the event's zone, oldest first.
    assert all(i["at"].endswith("+08:00") for i in items)
    assert [i["at"] for i in items] == sorted(i["at"] for i in items)


async def test_history_rebuilds_the_event(client, world, api):
    event = await api.create_event(rrule="FREQ=WEEKLY;COUNT=4", capacity=40)
    url = f"/api/events/{event['id']}"
    for change in (
        {"title": "改名", "capacity": None},
        {"exdates": ["2025-03-21T10:00:00+08:00"], "languages": ["zh", "lis"]},
        {"venue": {"name": "泸水", "venue_type": "village"}, "visibility": "internal"},
        {"status": "draft"},
    ):
        response = await client.patch(url, json=change, headers=world.auth("coord"))
        assert response.status_code == 200, response.text
    state: dict[str, Any] = {}
    for item in await _history(client, world, f"{url}/history"):
        for field, (before, after) in item["changes"].items():
            assert state.get(field) == before, (field, item)
            state[field] = after
    current = (await client.get(url, headers=world.auth("coord"))).json()
    for field, value in current.items():
        if field not in {"id", "created_at", "updated_at"}:
            assert state.get(field) == value, field


async def test_history_is_paged_and_scoped(client, world, api):
    public = await api.create_event(user="coord_lk", branch_id=world.branches["NJ-LK"])
    internal = await api.create_event(
        user="coord_lk",
        branch_id=world.branches["NJ-LK"],
        visibility="internal",
        venue={"name": "内部会议室"},
    )
    for n in range(3):
        await client.patch(
            f"/api/events/{public['id']}",
            json={"description": f"第{n}版"},
            headers=world.auth("coord_lk"),
        )
    page = await client.get(
        f"/api/events/{public['id']}/history",
        params={"limit": 2, "offset": 1},
        headers=world.auth("staff_lk"),
    )
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    assert [i["changes"]["description"][1] for i in body["items"]] == ["第0版", "第1版"]

    # The public may read the event, never who planned it.
    anonymous = await client.get(f"/api/events/{public['id']}/history")
    assert anonymous.status_code == 401
    # Another branch's staff see the public event but not its planning trail.
    other = await client.get(f"/api/events/{public['id']}/history", headers=world.auth("staff_ls"))
    assert other.status_code == 403
    assert "own branch" in detail_of(other)
    assert "coord_lk" not in other.text
    hidden = await client.get(
        f"/api/events/{internal['id']}/history", headers=world.auth("staff_ls")
    )
    assert hidden.status_code == 404
    assert (
        await client.get("/api/events/999999/history", headers=world.auth("admin"))
    ).status_code == 404


def _record(start: str, **extra: Any) -> dict[str, Any]:
    return {"occurrence_start": start, "headcount": 30, **extra}


async def test_every_attendance_change_is_in_its_history(client, world, api):
    series = await api.create_event(branch_id=world.branches["NJ-LK"], rrule="FREQ=WEEKLY;COUNT=3")
    url = f"/api/events/{series['id']}/attendance"
    first = _record("2025-03-14T10:00:00+08:00", by_audience={"elderly": 20})
    assert (await client.put(url, json=first, headers=world.auth("staff_lk"))).status_code == 200
    # The same numbers again (a retry) change nothing and record nothing.
    retry = await client.put(url, json=first, headers=world.auth("coord"))
    assert retry.status_code == 200
    assert retry.json()["recorded_by"] == world.users["staff_lk"]
    corrected = await client.put(
        url,
        json=_record("2025-03-14T02:00:00Z", headcount=45, notes="傈僳语讲解"),
        headers=world.auth("coord"),
    )
    assert corrected.status_code == 200
    second = _record("2025-03-21T10:00:00+08:00", app_installs=7)
    assert (await client.put(url, json=second, headers=world.auth("staff_lk"))).status_code == 200
    refused = await client.put(
        url,
        json=_record("2025-03-28T10:00:00+08:00", headcount=1, by_audience={"rural": 2}),
        headers=world.auth("staff_lk"),
    )
    assert refused.status_code == 422

    items = await _history(client, world, f"{url}/history", user="staff_lk")
    assert [(i["action"], i["user"], i["occurrence_start"]) for i in items] == [
        ("create", "staff_lk", "2025-03-14T10:00:00+08:00"),
        ("update", "coord", "2025-03-14T10:00:00+08:00"),
        ("create", "staff_lk", "2025-03-21T10:00:00+08:00"),
    ]
    assert items[0]["changes"] == {
        "headcount": [None, 30],
        "by_audience": [None, {"elderly": 20}],
        "materials_distributed": [None, 0],
        "app_installs": [None, 0],
        "notes": [None, ""],
    }
    assert items[1]["changes"] == {
        "headcount": [30, 45],
        "by_audience": [{"elderly": 20}, {}],
        "notes": ["", "傈僳语讲解"],
    }
    assert items[2]["changes"]["app_installs"] == [None, 7]
    assert all(i["at"].endswith("+08:00") for i in items)


@pytest.mark.parametrize(("user", "status"), [("staff_ls", 403), ("staff_lka", 403), (None, 401)])
async def test_attendance_history_is_scoped_like_attendance(client, world, api, user, status):
    event = await api.create_event(branch_id=world.branches["NJ-LK"])
    url = f"/api/events/{event['id']}/attendance/history"
    headers = world.auth(user) if user else {}
    response = await client.get(url, headers=headers)
    assert response.status_code == status
    assert detail_of(response)
    mine = await client.get(url, headers=world.auth("staff_lk"))
    assert mine.status_code == 200
    assert mine.json() == {"items": [], "total": 0, "limit": 100, "offset": 0}
