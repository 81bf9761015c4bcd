"""client_ref makes logging idempotent, even under concurrent retries."""

import asyncio

from tests.fixtures import detail_of
from tests.interceptions.conftest import history, new_body


async def _count(client, world) -> int:
    response = await client.get("/api/interceptions", headers=world.auth("admin"))
    return response.json()["total"]


async def test_replay_answers_200_with_the_first_record(client, world):
    body = new_body()
    first = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert first.status_code == 201
    again = await client.post(
        "/api/interceptions",
        json={**body, "amount_saved": "1.00"},
        headers=world.auth("staff_lk"),
    )
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["amount_saved"] == "86000.00"
    assert await _count(client, world) == 1
    assert len(await history(client, world, first.json()["id"])) == 1


async def test_must_show_1_twenty_concurrent_posts_leave_one_interception(client, world):
    body = new_body(description="移动服务队上门走访，信号差重试")
    responses = await asyncio.gather(
        *[
            client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
            for _ in range(20)
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [201], [r.text for r in responses]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    assert await _count(client, world) == 1
    items = await history(client, world, ids.pop())
    assert [item["action"] for item in items] == ["create"]


async def test_client_ref_of_an_invisible_record_is_409_without_leaking(client, world):
    body = new_body(description="泸水市支行的记录", amount_saved="777.00")
    first = await client.post("/api/interceptions", json=body, headers=world.auth("staff_ls"))
    assert first.status_code == 201
    clash = await client.post(
        "/api/interceptions",
        json=new_body(client_ref=body["client_ref"]),
        headers=world.auth("staff_lk"),
    )
    assert clash.status_code == 409
    assert "client_ref" in detail_of(clash)
    assert "777" not in clash.text
    assert "泸水" not in clash.text
    # Someone whose subtree holds the record gets it back.
    replay = await client.post("/api/interceptions", json=body, headers=world.auth("coord"))
    assert replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    assert await _count(client, world) == 1
