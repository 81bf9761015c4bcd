"""Sessions and tokens: stored hashed, expiring, revocable, carried in a hardened cookie."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.fixtures import PASSWORD, detail_of


async def login(client: Any, username: str = "coord", password: str = PASSWORD) -> Any:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


async def test_tokens_are_stored_only_as_digests(client, world):
    from accounts.tables import ApiToken

    token = (await login(client)).json()["token"]
    stored = await ApiToken.select(ApiToken.token_hash).where(ApiToken.user == world.users["coord"])
    hashes = {row["token_hash"] for row in stored}
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes
    assert len(token) >= 40


async def test_expired_token_is_refused(client, world):
    from accounts.tables import ApiToken
    from accounts.tokens import digest

    token = world.tokens["staff_lk"]
    headers = world.auth("staff_lk")
    assert (await client.get("/api/users/me", headers=headers)).status_code == 200
    past = datetime.now(UTC) - timedelta(seconds=1)
    await ApiToken.update({ApiToken.expires_at: past}).where(ApiToken.token_hash == digest(token))
    response = await client.get("/api/users/me", headers=headers)
    assert response.status_code == 401
    assert detail_of(response)


async def test_tokens_expire_after_thirty_days(client, world):
    from accounts.tables import ApiToken
    from accounts.tokens import digest

    before = datetime.now(UTC)
    token = (await login(client)).json()["token"]
    row = await ApiToken.select(ApiToken.expires_at).where(ApiToken.token_hash == digest(token))
    lifetime = row[0]["expires_at"] - before
    assert timedelta(days=29) < lifetime <= timedelta(days=30, minutes=1)


async def test_session_cookie_is_httponly_lax_and_site_wide(client, world):
    response = await login(client)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("fangzha_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    # Plain http in tests: a Secure cookie would never come back.
    assert "Secure" not in cookie


async def test_session_cookie_is_secure_over_https(app, world):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://fangzha.example") as c:
        response = await login(c)
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]


async def test_session_cookie_is_secure_behind_an_https_public_url(world, monkeypatch):
    from app.factory import create_app

    # Settings are read once, when the app starts.
    monkeypatch.setenv("FANGZHA_PUBLIC_URL", "https://fangzha.example")
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await login(client)
    assert "Secure" in response.headers["set-cookie"]


async def test_logout_clears_the_cookie_and_ends_the_cookie_session(client, world):
    await login(client, "staff_ls")
    assert (await client.get("/api/users/me")).status_code == 200
    old_cookie = client.cookies["fangzha_session"]
    response = await client.post("/api/auth/logout")
    assert response.status_code == 204
    cleared = response.headers["set-cookie"]
    assert cleared.startswith("fangzha_session=")
    assert "Max-Age=0" in cleared
    # Even a client that keeps the old cookie is signed out: the token behind it is gone.
    client.cookies.clear()
    stale = await client.get("/api/users/me", headers={"Cookie": f"fangzha_session={old_cookie}"})
    assert stale.status_code == 401


async def test_logout_ends_only_this_session(client, world):
    first = (await login(client)).json()["token"]
    second = (await login(client)).json()["token"]
    client.cookies.clear()
    out = await client.post("/api/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 204
    assert (
        await client.get("/api/users/me", headers={"Authorization": f"Bearer {first}"})
    ).status_code == 401
    assert (
        await client.get("/api/users/me", headers={"Authorization": f"Bearer {second}"})
    ).status_code == 200


async def test_logout_needs_a_session(client, world):
    response = await client.post("/api/auth/logout")
    assert response.status_code == 401
    assert detail_of(response)


async def test_lockout_counts_usernames_case_insensitively(client, world):
    for variant in ["coord", "COORD", "Coord", "cOord", "coorD"]:
        response = await login(client, variant, "wrong password")
        assert response.status_code == 401
    assert (await login(client)).status_code == 429


async def test_success_resets_the_failure_count(client, world):
    for _ in range(4):
        assert (await login(client, "coord", "wrong")).status_code == 401
    assert (await login(client)).status_code == 200
    for _ in range(4):
        assert (await login(client, "coord", "wrong")).status_code == 401
    assert (await login(client)).status_code == 200


async def test_locked_out_user_is_refused_even_with_the_right_password(client, world):
    for _ in range(5):
        await login(client, "staff_lk", "wrong")
    locked = await login(client, "staff_lk")
    assert locked.status_code == 429
    assert "token" not in locked.text


async def test_deactivated_account_with_the_right_password_gets_the_usual_answer(client, world):
    await client.patch(
        f"/api/users/{world.users['staff_ls']}", json={"active": False}, headers=world.auth("admin")
    )
    response = await login(client, "staff_ls")
    assert response.status_code == 401
    # Same words as a wrong password: the answer does not reveal which accounts exist.
    assert detail_of(response) == "Wrong username or password."


async def test_bearer_scheme_is_case_insensitive_and_other_schemes_are_ignored(client, world):
    token = world.tokens["coord"]
    ok = await client.get("/api/users/me", headers={"Authorization": f"bearer {token}"})
    assert ok.status_code == 200
    basic = await client.get("/api/users/me", headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 401


async def test_signing_in_drops_the_users_expired_sessions(client, world):
    from accounts.tables import ApiToken
    from accounts.tokens import digest

    past = datetime.now(UTC) - timedelta(days=1)
    await ApiToken.update({ApiToken.expires_at: past}).where(
        ApiToken.token_hash == digest(world.tokens["coord"])
    )
    assert (await login(client)).status_code == 200
    rows = await ApiToken.select(ApiToken.expires_at).where(ApiToken.user == world.users["coord"])
    assert len(rows) == 1
    assert rows[0]["expires_at"] > datetime.now(UTC)
    # Other users' sessions are untouched.
    assert (await client.get("/api/users/me", headers=world.auth("staff_lk"))).status_code == 200


async def test_a_cross_site_write_cannot_ride_the_session_cookie(client, world):
    login = await client.post(
        "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
    )
    assert login.status_code == 200
    # The same browser session, sent by a page on another site.
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ):
        response = await client.post("/api/users/me/calendar-token", headers=headers)
        assert response.status_code == 403, headers
        assert "another website" in response.json()["detail"]
    # Reading stays possible, and our own pages' requests go through.
    assert (
        await client.get("/api/users/me", headers={"Sec-Fetch-Site": "cross-site"})
    ).status_code == 200
    same_origin = await client.post(
        "/api/users/me/calendar-token", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same_origin.status_code == 200
    own_origin = await client.post(
        "/api/users/me/calendar-token", headers={"Origin": "http://testserver"}
    )
    assert own_origin.status_code == 200
    # A bearer token is never attached by a browser on its own: no origin check for it.
    client.cookies.clear()
    bearer = await client.post(
        "/api/users/me/calendar-token",
        headers={**world.auth("staff_lk"), "Origin": "https://tool.example"},
    )
    assert bearer.status_code == 200


async def test_a_cross_site_page_cannot_sign_the_browser_in(client, world):
    # A form on another site posts the attacker's credentials as text/plain, so that a
    # victim's browser would be signed in as the attacker.
    body = f'{{"username": "staff_ls", "password": "{PASSWORD}"}}'
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ):
        response = await client.post(
            "/api/auth/login", content=body, headers={"Content-Type": "text/plain", **headers}
        )
        assert response.status_code == 403, headers
        assert "another website" in detail_of(response)
        assert "set-cookie" not in response.headers
        assert "token" not in response.text
    # Our own sign-in page, and clients that are not browsers, still sign in.
    own = await client.post(
        "/api/auth/login",
        json={"username": "staff_ls", "password": PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert own.status_code == 200
    assert (await login(client, "staff_ls")).status_code == 200
