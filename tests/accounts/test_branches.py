"""Branches API: admins manage the tree; everyone else sees only their own subtree."""

from typing import Any

import pytest

from tests.fixtures import detail_of


async def codes_seen_by(client: Any, world: Any, username: str) -> set[str]:
    response = await client.get("/api/branches", headers=world.auth(username))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == len(body["items"])
    return {item["code"] for item in body["items"]}


async def test_admin_creates_reads_and_updates_a_branch(client, world):
    admin = world.auth("admin")
    created = await client.post(
        "/api/branches",
        json={
            "code": "NJ-LS-B",
            "name": "泸水市支行上江网点",
            "parent_id": world.branches["NJ-LS"],
            "languages": ["zh", "lis"],
            "address": "泸水市上江乡",
            "phone": "0886-300 0009",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    branch = created.json()
    assert branch == {
        "id": branch["id"],
        "code": "NJ-LS-B",
        "name": "泸水市支行上江网点",
        "parent_id": world.branches["NJ-LS"],
        "languages": ["zh", "lis"],
        "address": "泸水市上江乡",
        "phone": "0886-300 0009",
        "poster_note": "",
    }
    fetched = await client.get(f"/api/branches/{branch['id']}", headers=admin)
    assert fetched.json() == branch

    patched = await client.patch(
        f"/api/branches/{branch['id']}",
        json={
            "name": "上江网点",
            "languages": ["zh"],
            "address": "上江乡丙奉村",
            "poster_note": "ꓞꓲ ꓡꓳ",
        },
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        **branch,
        "name": "上江网点",
        "languages": ["zh"],
        "address": "上江乡丙奉村",
        "poster_note": "ꓞꓲ ꓡꓳ",
    }
    bad_phone = await client.patch(
        f"/api/branches/{branch['id']}", json={"phone": "call me"}, headers=admin
    )
    assert bad_phone.status_code == 400
    # The new outlet is in the subtree of its parent's staff.
    assert "NJ-LS-B" in await codes_seen_by(client, world, "staff_ls")
    assert "NJ-LS-B" not in await codes_seen_by(client, world, "staff_lk")


async def test_branch_list_pages(client, world):
    admin = world.auth("admin")
    page = await client.get("/api/branches?limit=2&offset=1", headers=admin)
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    assert len(body["items"]) == 2
    everything = (await client.get("/api/branches", headers=admin)).json()["items"]
    assert body["items"] == everything[1:3]


async def test_duplicate_code_is_409(client, world):
    response = await client.post(
        "/api/branches", json={"code": "NJ-LK", "name": "又一个六库"}, headers=world.auth("admin")
    )
    assert response.status_code == 409
    assert "NJ-LK" in detail_of(response)


async def test_unknown_parent_is_422(client, world):
    response = await client.post(
        "/api/branches",
        json={"code": "NJ-X", "name": "无主网点", "parent_id": 99999},
        headers=world.auth("admin"),
    )
    assert response.status_code == 422
    assert "99999" in detail_of(response)
    listing = await client.get("/api/branches", headers=world.auth("admin"))
    assert listing.json()["total"] == 4


@pytest.mark.parametrize("user", ["staff_lk", "staff_lka", "staff_ls", "coord", "coord_lk"])
async def test_only_admins_create_or_change_branches(client, world, user):
    created = await client.post(
        "/api/branches",
        json={"code": "NJ-LK-B", "name": "新网点", "parent_id": world.branches["NJ-LK"]},
        headers=world.auth(user),
    )
    assert created.status_code == 403
    assert detail_of(created)
    changed = await client.patch(
        f"/api/branches/{world.branches['NJ-LK-A']}",
        json={"name": "改名"},
        headers=world.auth(user),
    )
    assert changed.status_code == 403
    assert detail_of(changed)
    listing = await client.get("/api/branches", headers=world.auth("admin"))
    assert listing.json()["total"] == 4
    assert "改名" not in listing.text


async def test_public_gets_401_and_no_branches(client, world):
    listing = await client.get("/api/branches")
    assert listing.status_code == 401
    assert "六库" not in listing.text
    one = await client.get(f"/api/branches/{world.branches['NJ-LK']}")
    assert one.status_code == 401
    assert "六库" not in one.text


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("admin", {"NJ", "NJ-LK", "NJ-LK-A", "NJ-LS"}),
        ("coord", {"NJ", "NJ-LK", "NJ-LK-A", "NJ-LS"}),
        ("coord_lk", {"NJ-LK", "NJ-LK-A"}),
        ("staff_lk", {"NJ-LK", "NJ-LK-A"}),
        ("staff_lka", {"NJ-LK-A"}),
        ("staff_ls", {"NJ-LS"}),
    ],
)
async def test_each_user_sees_their_subtree(client, world, user, visible):
    assert await codes_seen_by(client, world, user) == visible
    for code, branch_id in world.branches.items():
        response = await client.get(f"/api/branches/{branch_id}", headers=world.auth(user))
        if code in visible:
            assert response.status_code == 200
            assert response.json()["code"] == code
        else:
            assert response.status_code == 404
            assert code not in response.text
            assert detail_of(response)


async def test_outlet_staff_sees_nothing_of_a_sibling_outlet(client, world):
    sibling = await client.post(
        "/api/branches",
        json={"code": "NJ-LK-B", "name": "六库支行滨江网点", "parent_id": world.branches["NJ-LK"]},
        headers=world.auth("admin"),
    )
    assert sibling.status_code == 201
    sibling_id = sibling.json()["id"]
    assert await codes_seen_by(client, world, "staff_lka") == {"NJ-LK-A"}
    response = await client.get(f"/api/branches/{sibling_id}", headers=world.auth("staff_lka"))
    assert response.status_code == 404
    assert "滨江" not in response.text


async def test_moving_a_branch_moves_its_subtree_and_who_sees_it(client, world):
    admin = world.auth("admin")
    moved = await client.patch(
        f"/api/branches/{world.branches['NJ-LK']}",
        json={"parent_id": world.branches["NJ-LS"]},
        headers=admin,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["parent_id"] == world.branches["NJ-LS"]
    # NJ-LK and its outlet are now under NJ-LS: its staff see them, and still no further.
    assert await codes_seen_by(client, world, "staff_ls") == {"NJ-LS", "NJ-LK", "NJ-LK-A"}
    assert await codes_seen_by(client, world, "coord_lk") == {"NJ-LK", "NJ-LK-A"}
    assert await codes_seen_by(client, world, "staff_lka") == {"NJ-LK-A"}
    # A deeper move: the outlet goes straight under the root; NJ-LS staff lose it.
    again = await client.patch(
        f"/api/branches/{world.branches['NJ-LK-A']}",
        json={"parent_id": world.branches["NJ"]},
        headers=admin,
    )
    assert again.status_code == 200
    assert await codes_seen_by(client, world, "staff_ls") == {"NJ-LS", "NJ-LK"}
    assert await codes_seen_by(client, world, "coord_lk") == {"NJ-LK"}
    assert await codes_seen_by(client, world, "staff_lka") == {"NJ-LK-A"}


@pytest.mark.parametrize(("moved", "under"), [("NJ", "NJ-LK-A"), ("NJ-LK", "NJ-LK-A")])
async def test_moving_under_a_descendant_is_422(client, world, moved, under):
    response = await client.patch(
        f"/api/branches/{world.branches[moved]}",
        json={"parent_id": world.branches[under]},
        headers=world.auth("admin"),
    )
    assert response.status_code == 422
    assert "descendant" in detail_of(response)
    # Nothing changed: everyone still sees what they saw.
    assert await codes_seen_by(client, world, "staff_lk") == {"NJ-LK", "NJ-LK-A"}
    assert await codes_seen_by(client, world, "coord") == {"NJ", "NJ-LK", "NJ-LK-A", "NJ-LS"}


async def test_moving_under_itself_is_422(client, world):
    branch_id = world.branches["NJ-LK"]
    response = await client.patch(
        f"/api/branches/{branch_id}", json={"parent_id": branch_id}, headers=world.auth("admin")
    )
    assert response.status_code == 422
    assert detail_of(response)


async def test_moving_under_an_unknown_branch_is_422(client, world):
    response = await client.patch(
        f"/api/branches/{world.branches['NJ-LK']}",
        json={"parent_id": 99999, "name": "不应改名"},
        headers=world.auth("admin"),
    )
    assert response.status_code == 422
    fetched = await client.get(
        f"/api/branches/{world.branches['NJ-LK']}", headers=world.auth("admin")
    )
    assert fetched.json()["name"] == "六库支行"
    assert fetched.json()["parent_id"] == world.branches["NJ"]


async def test_a_branch_cannot_leave_the_tree(client, world):
    response = await client.patch(
        f"/api/branches/{world.branches['NJ-LK']}",
        json={"parent_id": None},
        headers=world.auth("admin"),
    )
    assert response.status_code == 422
    assert "parent" in detail_of(response)
    assert await codes_seen_by(client, world, "coord") == {"NJ", "NJ-LK", "NJ-LK-A", "NJ-LS"}
    # The root has no parent already; saying so again changes nothing.
    root = await client.patch(
        f"/api/branches/{world.branches['NJ']}",
        json={"parent_id": None, "name": "怒江分行"},
        headers=world.auth("admin"),
    )
    assert root.status_code == 200
    assert root.json()["parent_id"] is None
    assert root.json()["name"] == "怒江分行"


async def test_same_parent_again_is_a_no_op(client, world):
    response = await client.patch(
        f"/api/branches/{world.branches['NJ-LK-A']}",
        json={"parent_id": world.branches["NJ-LK"]},
        headers=world.auth("admin"),
    )
    assert response.status_code == 200
    assert await codes_seen_by(client, world, "staff_lk") == {"NJ-LK", "NJ-LK-A"}


@pytest.mark.parametrize(
    "body",
    [
        {"code": ""},
        {"code": "has space"},
        {"code": "x" * 33},
        {"name": ""},
        {"languages": ["not a tag!"]},
        {"languages": ["zh"] * 21},
        {"parent_id": 0},
    ],
)
async def test_invalid_branch_fields_are_400(client, world, body):
    response = await client.post(
        "/api/branches",
        json={"code": "NJ-X", "name": "新网点", **body},
        headers=world.auth("admin"),
    )
    assert response.status_code == 400
    assert detail_of(response)
