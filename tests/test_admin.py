"""Piccolo Admin at /admin: only Fangzha admins get in, and it only reads."""

import re

from tests.fixtures import PASSWORD

TABLES = {
    "branch",
    "app_user",
    "campaign",
    "event",
    "attendance",
    "interception",
    "interception_change",
}


async def test_public_is_sent_to_login_or_refused(client, world):
    page = await client.get("/admin/")
    assert page.status_code in (302, 303, 307)
    assert page.headers["location"] == "/login"
    api = await client.get("/admin/api/tables/")
    assert api.status_code in (302, 303, 307)
    posted = await client.post("/admin/public/login/", json={"username": "admin"})
    assert posted.status_code == 401
    assert posted.json()["detail"]


async def test_staff_and_coordinators_are_refused(client, world):
    for username in ("staff_lk", "coord"):
        for path in ("/admin/", "/admin/api/tables/", "/admin/api/user/"):
            response = await client.get(path, headers=world.auth(username))
            assert response.status_code == 403, (username, path)
            assert "admin" in response.json()["detail"]


async def test_a_forged_piccolo_session_does_not_open_the_gate(client, world):
    # Sign the Fangzha admin in once, so a real Piccolo session exists to steal.
    await client.get("/admin/api/user/", headers=world.auth("admin"))
    from piccolo_api.session_auth.tables import SessionsBase

    row = await SessionsBase.select(SessionsBase.token).first()
    assert row is not None
    client.cookies.set("id", row["token"])
    response = await client.get("/admin/api/tables/", headers=world.auth("staff_lk"))
    assert response.status_code == 403


async def test_an_admin_signed_in_by_cookie_uses_the_admin(client, world):
    login = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200
    page = await client.get("/admin/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Piccolo Admin</title>" in page.text
    script = re.search(r'src="\./(assets/[^"]+\.js)"', page.text)
    assert script is not None
    asset = await client.get(f"/admin/{script.group(1)}")
    assert asset.status_code == 200
    assert "javascript" in asset.headers["content-type"]
    meta = await client.get("/admin/public/meta/")
    assert meta.json()["site_name"] == "Fangzha 防诈 Admin"
    me = await client.get("/admin/api/user/")
    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    tables = await client.get("/admin/api/tables/")
    assert tables.status_code == 200
    assert set(tables.json()) >= TABLES


async def test_an_admin_by_bearer_reads_rows_without_secrets(client, world):
    headers = world.auth("admin")
    users = await client.get("/admin/api/tables/app_user/", headers=headers)
    assert users.status_code == 200
    names = {row["username"] for row in users.json()["rows"]}
    assert {"admin", "coord", "staff_lk"} <= names
    assert "argon2" not in users.text
    # Piccolo keeps the key of a secret column but never its value.
    assert all(row.get("password_hash") is None for row in users.json()["rows"])
    branches = await client.get("/admin/api/tables/branch/", headers=headers)
    assert {row["code"] for row in branches.json()["rows"]} >= {"NJ", "NJ-LK", "NJ-LK-A"}


async def test_the_admin_does_not_write(client, world):
    from accounts.tables import Branch

    headers = world.auth("admin")
    # Piccolo's CSRF check wants its cookie echoed in a header; pass it, so only read-only refuses.
    await client.get("/admin/", headers=headers)
    csrf = client.cookies["csrftoken"]
    branch = world.branches["NJ-LS"]
    writes = {"X-CSRFToken": csrf, **headers}
    patched = await client.patch(
        f"/admin/api/tables/branch/{branch}/", json={"name": "改名"}, headers=writes
    )
    assert patched.status_code == 405
    deleted = await client.delete(f"/admin/api/tables/branch/{branch}/", headers=writes)
    assert deleted.status_code == 405
    row = await Branch.select(Branch.name).where(Branch.id == branch).first()
    assert row is not None
    assert row["name"] != "改名"


async def test_demoting_an_admin_closes_the_admin(client, world):
    admin = world.auth("admin")
    promoted = await client.patch(
        f"/api/users/{world.users['coord']}", json={"role": "admin"}, headers=admin
    )
    assert promoted.status_code == 200
    coord = world.auth("coord")
    assert (await client.get("/admin/api/user/", headers=coord)).status_code == 200
    demoted = await client.patch(
        f"/api/users/{world.users['coord']}", json={"role": "coordinator"}, headers=admin
    )
    assert demoted.status_code == 200
    assert (await client.get("/admin/api/user/", headers=coord)).status_code == 403


async def test_the_bridged_session_is_reused_and_renewed_when_lapsed(client, world):
    from datetime import datetime, timedelta

    from piccolo_api.session_auth.tables import SessionsBase

    headers = world.auth("admin")
    me = await client.get("/admin/api/user/", headers=headers)
    assert me.status_code == 200
    assert (await client.get("/admin/api/user/", headers=headers)).status_code == 200
    # Piccolo's session table outlives the per-test cleanup: look at this admin's rows only.
    mine = SessionsBase.user_id == int(me.json()["user_id"])
    first = await SessionsBase.select(SessionsBase.token).where(mine)
    assert len(first) == 1
    past = datetime.now() - timedelta(minutes=1)
    await SessionsBase.update({SessionsBase.expiry_date: past}).where(
        SessionsBase.token == first[0]["token"]
    )
    assert (await client.get("/admin/api/user/", headers=headers)).status_code == 200
    after = await SessionsBase.select(SessionsBase.token).where(mine)
    assert len(after) == 1
    assert after[0]["token"] != first[0]["token"]


async def test_the_admin_never_shows_password_or_token_columns(client, world):
    headers = world.auth("admin")
    # The feed address is issued; its digest and seed are in the database now.
    assert (await client.get("/api/users/me", headers=headers)).status_code == 200
    secret_words = ("password", "token", "seed", "hash")

    tables = await client.get("/admin/api/tables/", headers=headers)
    assert not set(tables.json()) & {"api_token", "login_throttle", "sessions", "piccolo_user"}
    # One user table only: the one without the secret columns.
    assert tables.json().count("app_user") == 1

    schema = await client.get("/admin/api/tables/app_user/schema/", headers=headers)
    assert schema.status_code == 200
    columns = set(schema.json()["properties"])
    assert {"username", "role", "active"} <= columns
    assert not [c for c in columns if any(word in c for word in secret_words)]

    rows = await client.get("/admin/api/tables/app_user/", headers=headers)
    assert rows.status_code == 200
    for row in rows.json()["rows"]:
        assert not [key for key in row if any(word in key for word in secret_words)]
    # Asking for a hidden column by name: the admin does not know it.
    asked = await client.get(
        "/admin/api/tables/app_user/",
        params={"__visible_fields": "id,calendar_token_hash,password_hash"},
        headers=headers,
    )
    assert asked.status_code == 400
    assert "argon2" not in asked.text
    one = await client.get(
        f"/admin/api/tables/app_user/{world.users['staff_lk']}/", headers=headers
    )
    assert one.status_code == 200
    assert not [key for key in one.json() if any(word in key for word in secret_words)]
