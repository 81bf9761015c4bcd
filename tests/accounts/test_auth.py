import pytest

from tests.fixtures import PASSWORD


async def test_login_returns_token_and_cookie_that_work(client, world):
    response = await client.post(
        "/api/auth/login", json={"username": "coord", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "coord"
    assert body["user"]["role"] == "coordinator"
    assert "password" not in str(body["user"]).lower()
    cookie = response.headers["set-cookie"]
    assert "fangzha_session=" in cookie
    assert "HttpOnly" in cookie

    me = await client.get("/api/users/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "coord"
    assert me.json()["private_calendar_url"].endswith(".ics")


async def test_session_cookie_authenticates(client, world):
    await client.post("/api/auth/login", json={"username": "staff_lk", "password": PASSWORD})
    me = await client.get("/api/users/me")
    assert me.status_code == 200
    assert me.json()["username"] == "staff_lk"


async def test_logout_revokes_token(client, world):
    login = await client.post("/api/auth/login", json={"username": "coord", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 204
    client.cookies.clear()
    after = await client.get("/api/users/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["detail"]


async def test_wrong_password_is_401_with_detail(client, world):
    response = await client.post("/api/auth/login", json={"username": "coord", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password."


async def test_unknown_user_gets_the_same_answer(client, world):
    response = await client.post("/api/auth/login", json={"username": "ghost", "password": "x"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password."


async def test_repeated_failures_are_refused_with_429(client, world):
    for _ in range(5):
        r = await client.post("/api/auth/login", json={"username": "coord", "password": "bad"})
        assert r.status_code == 401
    locked = await client.post("/api/auth/login", json={"username": "coord", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many" in locked.json()["detail"]
    assert int(locked.headers["retry-after"]) > 0
    # Another username is not affected.
    other = await client.post(
        "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
    )
    assert other.status_code == 200


async def test_inactive_user_cannot_sign_in(client, world):
    patch = await client.patch(
        f"/api/users/{world.users['staff_ls']}", json={"active": False}, headers=world.auth("admin")
    )
    assert patch.status_code == 200
    response = await client.post(
        "/api/auth/login", json={"username": "staff_ls", "password": PASSWORD}
    )
    assert response.status_code == 401
    # Existing tokens of a deactivated user stop working too.
    assert (await client.get("/api/users/me", headers=world.auth("staff_ls"))).status_code == 401


async def test_rotating_calendar_token_changes_url(client, world):
    headers = world.auth("staff_lk")
    before = (await client.get("/api/users/me", headers=headers)).json()["private_calendar_url"]
    rotated = await client.post("/api/users/me/calendar-token", headers=headers)
    assert rotated.status_code == 200
    after = (await client.get("/api/users/me", headers=headers)).json()["private_calendar_url"]
    assert after == rotated.json()["private_calendar_url"]
    assert after != before


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"username": 1, "password": []}', b"[]", b'"just a string"'],
)
async def test_malformed_login_body_is_400(client, world, body):
    response = await client.post(
        "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert response.json()["detail"]
