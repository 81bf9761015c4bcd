"""A new password has at least 10 characters and is more than blank space."""

import pytest

from tests.fixtures import PASSWORD, detail_of

TOO_WEAK = [
    "short",
    "123456789",
    " " * 12,
    "\t\n" + " " * 10,
    "\u3000" * 12,  # ideographic spaces, as a Chinese keyboard types them
    "\u200b" * 12,  # zero-width spaces
]


@pytest.mark.parametrize("password", TOO_WEAK)
async def test_a_new_account_needs_a_real_password(client, world, password):
    response = await client.post(
        "/api/users",
        json={
            "username": "new_staff",
            "password": password,
            "role": "staff",
            "branch_id": world.branches["NJ-LK"],
        },
        headers=world.auth("admin"),
    )
    assert 400 <= response.status_code < 500
    assert "password" in detail_of(response).lower()
    users = (await client.get("/api/users", headers=world.auth("admin"))).json()["items"]
    assert "new_staff" not in {user["username"] for user in users}


@pytest.mark.parametrize("password", TOO_WEAK)
async def test_a_reset_needs_a_real_password(client, world, password):
    response = await client.patch(
        f"/api/users/{world.users['staff_lk']}",
        json={"password": password},
        headers=world.auth("admin"),
    )
    assert 400 <= response.status_code < 500
    assert "password" in detail_of(response).lower()
    # Nothing changed: the old password and the old session still work.
    assert (await client.get("/api/users/me", headers=world.auth("staff_lk"))).status_code == 200
    signed_in = await client.post(
        "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
    )
    assert signed_in.status_code == 200


async def test_ten_characters_are_enough(client, world):
    response = await client.post(
        "/api/users",
        json={
            "username": "new_staff",
            "password": " 9chars+1 ",
            "role": "staff",
            "branch_id": world.branches["NJ-LK"],
        },
        headers=world.auth("admin"),
    )
    assert response.status_code == 201, response.text
    signed_in = await client.post(
        "/api/auth/login", json={"username": "new_staff", "password": " 9chars+1 "}
    )
    assert signed_in.status_code == 200
