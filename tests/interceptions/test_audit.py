"""Audit completeness: the history alone rebuilds every interception as it is now."""

import asyncio

from tests.interceptions.conftest import history, log

# Fields the history tracks; replaying their changes must give the current record.
TRACKED = (
    "client_ref",
    "occurred_at",
    "branch_id",
    "channel",
    "fraud_type",
    "amount_saved",
    "victim_age_band",
    "description",
    "event_id",
    "attribution_note",
    "police_case_no",
    "status",
    "review_note",
)


async def _assert_history_rebuilds(client, world, ident: int) -> list[dict]:
    items = await history(client, world, ident)
    state: dict = {}
    for item in items:
        for field, (before, after) in item["changes"].items():
            assert state.get(field) == before, (field, item)
            state[field] = after
    current = (await client.get(f"/api/interceptions/{ident}", headers=world.auth("admin"))).json()
    assert {field: current[field] for field in TRACKED} == {f: state.get(f) for f in TRACKED}
    return items


async def test_every_change_has_its_history_row(client, world, make_event):
    event = await make_event("NJ-LK")
    got = await log(client, world, description="初始")
    ident = got["id"]
    url = f"/api/interceptions/{ident}"
    steps = [
        ("staff_lk", "PATCH", {"amount_saved": "1.5", "description": "电话13912345678"}),
        ("staff_lk", "PATCH", {"event_id": event, "attribution_note": "讲座后"}),
        ("coord_lk", "PATCH", {"occurred_at": "2025-06-01T20:00:00+08:00", "channel": "atm"}),
        ("coord_lk", "PATCH", {"branch_id": world.branches["NJ-LK-A"]}),
        ("coord", "verify", {"note": "核实"}),
        # Maker-checker: overturning a review and editing the record are two changes.
        ("admin", "PATCH", {"status": "rejected"}),
        ("admin", "PATCH", {"police_case_no": "JQ2025"}),
        ("admin", "PATCH", {"status": "logged", "review_note": ""}),
        ("coord", "reject", {"note": "重复登记"}),
    ]
    for user, action, body in steps:
        if action == "PATCH":
            response = await client.patch(url, json=body, headers=world.auth(user))
        else:
            response = await client.post(f"{url}/{action}", json=body, headers=world.auth(user))
        assert response.status_code == 200, (action, body, response.text)
        await _assert_history_rebuilds(client, world, ident)
    items = await _assert_history_rebuilds(client, world, ident)
    assert [i["action"] for i in items] == [
        "create",
        "update",
        "update",
        "update",
        "update",
        "verify",
        "update",
        "update",
        "update",
        "reject",
    ]
    assert [i["user"] for i in items] == [
        "staff_lk",
        "staff_lk",
        "staff_lk",
        "coord_lk",
        "coord_lk",
        "coord",
        "admin",
        "admin",
        "admin",
        "coord",
    ]
    times = [i["at"] for i in items]
    assert times == sorted(times)


async def test_refused_changes_leave_no_history_and_no_change(client, world):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    refused = [
        await client.patch(url, json={"amount_saved": "-1"}, headers=world.auth("staff_lk")),
        await client.patch(url, json={"amount_saved": "2"}, headers=world.auth("staff_lka")),
        await client.post(f"{url}/verify", headers=world.auth("staff_lk")),
        await client.patch(
            url, json={"branch_id": world.branches["NJ"]}, headers=world.auth("staff_lk")
        ),
    ]
    # staff_lka works below NJ-LK and cannot see the record at all.
    assert [r.status_code for r in refused] == [422, 404, 403, 403]
    items = await _assert_history_rebuilds(client, world, got["id"])
    assert len(items) == 1
    after = (await client.get(url, headers=world.auth("admin"))).json()
    assert after == got


async def test_concurrent_reviews_apply_once(client, world):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    responses = await asyncio.gather(
        *[
            client.post(f"{url}/{verdict}", json={"note": verdict}, headers=world.auth("coord"))
            for verdict in ("verify", "reject") * 5
        ]
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 9
    items = await _assert_history_rebuilds(client, world, got["id"])
    assert len(items) == 2


async def test_concurrent_edits_keep_a_consistent_trail(client, world):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    responses = await asyncio.gather(
        *[
            client.patch(url, json={"amount_saved": f"{n}.00"}, headers=world.auth("staff_lk"))
            for n in range(1, 9)
        ]
    )
    assert all(r.status_code == 200 for r in responses)
    items = await _assert_history_rebuilds(client, world, got["id"])
    assert len(items) == 9


async def test_history_is_paged_like_every_list(client, world):
    got = await log(client, world)
    verified = await client.post(
        f"/api/interceptions/{got['id']}/verify", json={"note": "核实"}, headers=world.auth("coord")
    )
    assert verified.status_code == 200
    response = await client.get(
        f"/api/interceptions/{got['id']}/history",
        params={"limit": 1, "offset": 1},
        headers=world.auth("staff_lk"),
    )
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [item["action"] for item in page["items"]] == ["verify"]
