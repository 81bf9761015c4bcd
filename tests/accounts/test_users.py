"""Users API: admins manage accounts; passwords go in and never come out."""

from typing import Any

import pytest

from tests.fixtures import PASSWORD, detail_of

NEW_PASSWORD = "a brand new passphrase"


def assert_no_secrets(text: str) -> None:
    lowered = text.lower()
    assert "password" not in lowered
    assert "argon2" not in lowered
    assert PASSWORD not in text
    assert NEW_PASSWORD not in text


async def login(client: Any, username: str, password: str) -> Any:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


async def test_admin_creates_and_reads_a_user(client, world):
    admin = world.auth("admin")
    created = await client.post(
        "/api/users",
        json={
            "username": "hehua",
            "password": NEW_PASSWORD,
            "role": "staff",
            "branch_id": world.branches["NJ-LK-A"],
            "display_name": "和华",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert_no_secrets(created.text)
    user = created.json()
    assert user == {
        "id": user["id"],
        "username": "hehua",
        "display_name": "和华",
        "role": "staff",
        "branch_id": world.branches["NJ-LK-A"],
        "active": True,
    }
    fetched = await client.get(f"/api/users/{user['id']}", headers=admin)
    assert fetched.json() == user
    listing = await client.get("/api/users", headers=admin)
    assert_no_secrets(listing.text)
    assert listing.json()["total"] == 7
    assert user in listing.json()["items"]
    # The new account can sign in with the password it was given.
    signed_in = await login(client, "hehua", NEW_PASSWORD)
    assert signed_in.status_code == 200
    assert_no_secrets(signed_in.text)


async def test_display_name_defaults_to_username(client, world):
    created = await client.post(
        "/api/users",
        json={
            "username": "lisu.li",
            "password": NEW_PASSWORD,
            "role": "coordinator",
            "branch_id": world.branches["NJ-LS"],
        },
        headers=world.auth("admin"),
    )
    assert created.status_code == 201
    assert created.json()["display_name"] == "lisu.li"


async def test_user_list_pages(client, world):
    page = await client.get("/api/users?limit=2&offset=2", headers=world.auth("admin"))
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 2)
    assert [u["username"] for u in body["items"]] == ["coord_lk", "staff_lk"]


async def test_duplicate_username_is_409(client, world):
    response = await client.post(
        "/api/users",
        json={
            "username": "staff_lk",
            "password": NEW_PASSWORD,
            "role": "staff",
            "branch_id": world.branches["NJ-LK"],
        },
        headers=world.auth("admin"),
    )
    assert response.status_code == 409
    assert "staff_lk" in detail_of(response)
    assert (await client.get("/api/users", headers=world.auth("admin"))).json()["total"] == 6


async def test_unknown_branch_is_422(client, world):
    response = await client.post(
        "/api/users",
        json={"username": "x1", "password": NEW_PASSWORD, "role": "staff", "branch_id": 99999},
        headers=world.auth("admin"),
    )
    assert response.status_code == 422
    assert "99999" in detail_of(response)
    patched = await client.patch(
        f"/api/users/{world.users['staff_ls']}",
        json={"branch_id": 99999, "display_name": "不应改名"},
        headers=world.auth("admin"),
    )
    assert patched.status_code == 422
    fetched = await client.get(f"/api/users/{world.users['staff_ls']}", headers=world.auth("admin"))
    assert fetched.json()["display_name"] == "staff_ls"


@pytest.mark.parametrize("user", ["coord", "coord_lk", "staff_lk", "staff_ls"])
async def test_only_admins_use_the_users_api(client, world, user):
    headers = world.auth(user)
    target = world.users["staff_lka"]
    body = {"username": "x1", "password": NEW_PASSWORD, "role": "admin", "branch_id": 1}
    attempts = [
        await client.get("/api/users", headers=headers),
        await client.post("/api/users", json=body, headers=headers),
        await client.get(f"/api/users/{target}", headers=headers),
        await client.patch(f"/api/users/{target}", json={"role": "admin"}, headers=headers),
        await client.patch(
            f"/api/users/{world.users[user]}", json={"role": "admin"}, headers=headers
        ),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert detail_of(response)
        assert "staff_lka" not in response.text
    me = await client.get("/api/users/me", headers=headers)
    assert me.json()["role"] != "admin"


async def test_public_gets_401_from_the_users_api(client, world):
    for response in [
        await client.get("/api/users"),
        await client.get(f"/api/users/{world.users['admin']}"),
        await client.get("/api/users/me"),
        await client.post("/api/users/me/calendar-token"),
    ]:
        assert response.status_code == 401
        assert detail_of(response)
        assert "admin" not in response.text.replace("detail", "")


async def test_me_has_a_private_calendar_url_and_no_password(client, world):
    response = await client.get("/api/users/me", headers=world.auth("staff_lka"))
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "staff_lka"
    assert me["role"] == "staff"
    assert me["branch_id"] == world.branches["NJ-LK-A"]
    assert me["private_calendar_url"].startswith("http://testserver/calendar/private/")
    assert me["private_calendar_url"].endswith(".ics")
    assert_no_secrets(response.text)
    other = (await client.get("/api/users/me", headers=world.auth("staff_ls"))).json()
    assert other["private_calendar_url"] != me["private_calendar_url"]


async def test_role_change_applies_to_existing_sessions(client, world):
    headers = world.auth("staff_lk")
    assert (await client.post("/api/branches", json={}, headers=headers)).status_code == 403
    promoted = await client.patch(
        f"/api/users/{world.users['staff_lk']}", json={"role": "admin"}, headers=world.auth("admin")
    )
    assert promoted.json()["role"] == "admin"
    assert (await client.get("/api/users", headers=headers)).status_code == 200
    demoted = await client.patch(
        f"/api/users/{world.users['staff_lk']}", json={"role": "staff"}, headers=world.auth("admin")
    )
    assert demoted.json()["role"] == "staff"
    assert (await client.get("/api/users", headers=headers)).status_code == 403


async def test_branch_change_moves_what_a_user_sees(client, world):
    headers = world.auth("staff_lka")
    moved = await client.patch(
        f"/api/users/{world.users['staff_lka']}",
        json={"branch_id": world.branches["NJ-LS"]},
        headers=world.auth("admin"),
    )
    assert moved.status_code == 200
    assert moved.json()["branch_id"] == world.branches["NJ-LS"]
    listing = await client.get("/api/branches", headers=headers)
    assert {b["code"] for b in listing.json()["items"]} == {"NJ-LS"}
    old = await client.get(f"/api/branches/{world.branches['NJ-LK-A']}", headers=headers)
    assert old.status_code == 404


async def test_password_change_ends_old_sessions(client, world):
    old_headers = world.auth("staff_ls")
    patched = await client.patch(
        f"/api/users/{world.users['staff_ls']}",
        json={"password": NEW_PASSWORD},
        headers=world.auth("admin"),
    )
    assert patched.status_code == 200
    assert_no_secrets(patched.text)
    assert (await client.get("/api/users/me", headers=old_headers)).status_code == 401
    assert (await login(client, "staff_ls", PASSWORD)).status_code == 401
    assert (await login(client, "staff_ls", NEW_PASSWORD)).status_code == 200


async def test_deactivated_user_stays_out_after_reactivation_until_signing_in(client, world):
    admin = world.auth("admin")
    old_headers = world.auth("staff_ls")
    target = f"/api/users/{world.users['staff_ls']}"
    assert (await client.patch(target, json={"active": False}, headers=admin)).json()[
        "active"
    ] is False
    assert (await client.get("/api/users/me", headers=old_headers)).status_code == 401
    assert (await client.patch(target, json={"active": True}, headers=admin)).json()["active"]
    # Sessions from before the deactivation do not come back to life.
    assert (await client.get("/api/users/me", headers=old_headers)).status_code == 401
    assert (await login(client, "staff_ls", PASSWORD)).status_code == 200


@pytest.mark.parametrize("change", [{"role": "coordinator"}, {"active": False}])
async def test_the_last_admin_cannot_be_demoted_or_deactivated(client, world, change):
    target = f"/api/users/{world.users['admin']}"
    refused = await client.patch(target, json=change, headers=world.auth("admin"))
    assert refused.status_code == 422
    assert "last active admin" in detail_of(refused)
    assert (await client.get("/api/users", headers=world.auth("admin"))).status_code == 200
    # With a second admin, the first may step down.
    await client.patch(
        f"/api/users/{world.users['coord']}", json={"role": "admin"}, headers=world.auth("admin")
    )
    allowed = await client.patch(target, json=change, headers=world.auth("admin"))
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "has space"},
        {"username": ""},
        {"password": "short"},
        {"role": "root"},
        {"branch_id": 0},
        {"active": "yes"},
        {"is_admin": True},
    ],
)
async def test_invalid_user_fields_are_400(client, world, body):
    base = {
        "username": "newcomer",
        "password": NEW_PASSWORD,
        "role": "staff",
        "branch_id": world.branches["NJ-LS"],
    }
    response = await client.post("/api/users", json={**base, **body}, headers=world.auth("admin"))
    assert response.status_code == 400
    assert detail_of(response)
    assert NEW_PASSWORD not in response.text
