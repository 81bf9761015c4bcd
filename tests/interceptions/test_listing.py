"""Listing interceptions: scoped to the caller's subtree, filtered, paged."""

import pytest

from tests.fixtures import detail_of
from tests.interceptions.conftest import log


async def _refs(client, world, user="admin", **params) -> set[str]:
    response = await client.get("/api/interceptions", params=params, headers=world.auth(user))
    assert response.status_code == 200, response.text
    return {item["client_ref"] for item in response.json()["items"]}


async def test_list_is_scoped_to_the_callers_subtree(client, world):
    lk = (await log(client, world, user="staff_lk", client_ref="lk"))["client_ref"]
    lka = (await log(client, world, user="staff_lka", client_ref="lka"))["client_ref"]
    ls = (await log(client, world, user="staff_ls", client_ref="ls"))["client_ref"]
    assert await _refs(client, world, "admin") == {lk, lka, ls}
    assert await _refs(client, world, "coord") == {lk, lka, ls}
    assert await _refs(client, world, "coord_lk") == {lk, lka}
    assert await _refs(client, world, "staff_lka") == {lka}
    assert await _refs(client, world, "staff_ls") == {ls}
    # Asking for another subtree does not widen the scope.
    assert await _refs(client, world, "staff_ls", branch="NJ-LK") == set()
    hidden = await client.get("/api/interceptions?limit=1", headers=world.auth("staff_ls"))
    assert hidden.json()["total"] == 1


async def test_filters_and_paging(client, world, make_event):
    event = await make_event("NJ-LK")
    await log(client, world, client_ref="a", occurred_at="2025-06-01T23:30:00+08:00")
    await log(
        client,
        world,
        client_ref="b",
        occurred_at="2025-06-02T00:30:00+08:00",
        fraud_type="fake_loan",
        event_id=event,
    )
    await log(
        client, world, user="staff_lka", client_ref="c", occurred_at="2025-07-15T12:00:00+08:00"
    )
    await log(
        client, world, user="staff_ls", client_ref="d", occurred_at="2025-05-01T12:00:00+08:00"
    )
    d_id = (
        await client.get(
            "/api/interceptions", params={"branch": "NJ-LS"}, headers=world.auth("admin")
        )
    ).json()["items"][0]["id"]
    await client.post(f"/api/interceptions/{d_id}/verify", headers=world.auth("coord"))

    assert await _refs(client, world, **{"from": "2025-06-01", "to": "2025-06-01"}) == {"a"}
    assert await _refs(client, world, **{"from": "2025-06-02"}) == {"b", "c"}
    assert await _refs(client, world, to="2025-06-30") == {"a", "b", "d"}
    assert await _refs(
        client, world, **{"from": "2025-06-01T16:00:00Z", "to": "2025-06-01T17:00:00Z"}
    ) == {"b"}
    assert await _refs(client, world, **{"from": "2025-06-02T00:00:00+08:00"}) == {"b", "c"}
    assert await _refs(client, world, branch="NJ-LK") == {"a", "b", "c"}
    assert await _refs(client, world, branch="NJ-LK-A") == {"c"}
    assert await _refs(client, world, fraud_type="fake_loan") == {"b"}
    assert await _refs(client, world, status="verified") == {"d"}
    assert await _refs(client, world, status="logged") == {"a", "b", "c"}
    assert await _refs(client, world, event=event) == {"b"}

    page = await client.get(
        "/api/interceptions", params={"limit": 2, "offset": 1}, headers=world.auth("admin")
    )
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    # Newest first.
    assert [item["client_ref"] for item in body["items"]] == ["b", "a"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "junk"},
        {"to": "2025-13-01"},
        {"from": "0001-01-01T00:00:00+05:00"},
        {"branch": "NOPE"},
        {"status": "approved"},
        {"fraud_type": "x"},
        {"event": "abc"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
    ],
)
async def test_bad_filters_are_4xx(client, world, params):
    response = await client.get("/api/interceptions", params=params, headers=world.auth("coord"))
    assert response.status_code in (400, 422), response.text
    assert detail_of(response)


async def test_unknown_or_invisible_interception_is_404(client, world):
    got = await log(client, world, user="staff_lk")
    for user in ("staff_ls", "staff_lka"):
        response = await client.get(f"/api/interceptions/{got['id']}", headers=world.auth(user))
        assert response.status_code == 404
        assert "86000" not in response.text
    assert (
        await client.get("/api/interceptions/999999", headers=world.auth("admin"))
    ).status_code == 404
