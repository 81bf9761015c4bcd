"""Bad input of every kind answers a 4xx whose `detail` a coordinator can read; never a 5xx."""

from typing import Any

import pytest

from tests.fixtures import PASSWORD, detail_of

TEN_MB = 10 * 1024 * 1024


def assert_clear_4xx(response: Any, status: int | None = None) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:300])
    detail = detail_of(response)
    assert isinstance(detail, str), response.text[:300]
    assert detail.strip(), response.text[:300]
    return detail


async def test_wrong_password_is_401_with_detail(client, world):
    response = await client.post(
        "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD + "x"}
    )
    assert assert_clear_4xx(response, 401) == "Wrong username or password."
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("path", "user"),
    [("/api/auth/login", None), ("/api/branches", "admin"), ("/api/users", "admin")],
)
async def test_malformed_json_is_400_with_detail(client, world, path, user):
    headers = {"Content-Type": "application/json", **(world.auth(user) if user else {})}
    response = await client.post(path, content=b'{"code": "X", "name": ', headers=headers)
    detail = assert_clear_4xx(response, 400)
    assert detail.startswith("The request body is not valid JSON")


@pytest.mark.parametrize(("path", "user"), [("/api/auth/login", None), ("/api/branches", "admin")])
async def test_ten_megabyte_body_is_413_with_the_limit(client, world, path, user):
    headers = {"Content-Type": "application/json", **(world.auth(user) if user else {})}
    body = b'{"name": "' + b"x" * TEN_MB + b'"}'
    response = await client.post(path, content=body, headers=headers)
    detail = assert_clear_4xx(response, 413)
    assert detail == "The request body is too large (limit 1 MB)."
    # Nothing was half-written.
    listing = await client.get("/api/branches", headers=world.auth("admin"))
    assert listing.json()["total"] == len(world.branches)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/branches/{}"),
        ("PATCH", "/api/branches/{}"),
        ("GET", "/api/users/{}"),
        ("PATCH", "/api/users/{}"),
    ],
)
@pytest.mark.parametrize("ident", [987654, 2**31 - 1])
async def test_unknown_ids_are_404_with_detail(client, world, method, path, ident):
    body = {"name": "x"} if "branches" in path else {"display_name": "x"}
    response = await client.request(
        method,
        path.format(ident),
        json=body if method == "PATCH" else None,
        headers=world.auth("admin"),
    )
    detail = assert_clear_4xx(response, 404)
    assert str(ident) in detail


@pytest.mark.parametrize("ident", [0, -1, 2**31, 2**63, 2**70])
@pytest.mark.parametrize("path", ["/api/branches/{}", "/api/users/{}"])
async def test_ids_no_record_can_have_are_4xx(client, world, path, ident):
    response = await client.get(path.format(ident), headers=world.auth("admin"))
    assert_clear_4xx(response)


async def test_unknown_address_is_404_with_detail(client, world):
    response = await client.get("/api/no-such-thing", headers=world.auth("admin"))
    assert "/api/no-such-thing" in assert_clear_4xx(response, 404)


async def test_wrong_method_is_405_with_detail(client, world):
    response = await client.delete("/api/users/me", headers=world.auth("admin"))
    assert "DELETE" in assert_clear_4xx(response, 405)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/branches", {"code": 5, "name": "营业室"}, "code"),
        ("/api/branches", {"code": "NJ-X", "name": "营业室", "parent_id": "one"}, "parent_id"),
        ("/api/branches", {"code": "NJ-X", "name": "营业室", "languages": "zh"}, "languages"),
        ("/api/users", {"username": "u1", "password": 12345678, "role": "staff"}, "password"),
        (
            "/api/users",
            {"username": "u1", "password": "long enough", "role": "boss", "branch_id": 1},
            "role",
        ),
    ],
)
async def test_wrong_types_are_400_naming_the_field(client, world, path, body, field):
    response = await client.post(path, json=body, headers=world.auth("admin"))
    assert field in assert_clear_4xx(response, 400)


async def test_wrong_type_in_query_is_400_naming_it(client, world):
    response = await client.get("/api/branches?limit=lots", headers=world.auth("admin"))
    assert "limit" in assert_clear_4xx(response, 400)


async def test_unknown_field_is_400_naming_it(client, world):
    response = await client.post(
        "/api/branches",
        json={"code": "NJ-X", "name": "营业室", "colour": "red"},
        headers=world.auth("admin"),
    )
    assert "colour" in assert_clear_4xx(response, 400)


HOSTILE = [
    "'; DROP TABLE branch; --",
    "Robert'); DELETE FROM app_user WHERE ('1'='1",
    "营业室\r\nSet-Cookie: x=y",
    "tab\there\x07bell\x1b[31mred",
    "<script>alert(1)</script>",
    "\u202eevil\u200b",
    "x" * 200,
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_branch_text_is_refused_or_kept_verbatim(client, world, text):
    response = await client.post(
        "/api/branches",
        json={
            "code": "NJ-H",
            "name": text,
            "address": text,
            "parent_id": world.branches["NJ"],
        },
        headers=world.auth("admin"),
    )
    if response.status_code >= 400:
        assert_clear_4xx(response)
        return
    assert response.status_code == 201
    stored = await client.get(f"/api/branches/{response.json()['id']}", headers=world.auth("admin"))
    assert stored.json()["name"] == text
    assert stored.json()["address"] == text
    # The tables are all still there.
    assert (await client.get("/api/users", headers=world.auth("admin"))).json()["total"] == 6


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x" * 100_000},
        {"address": "y" * 100_000},
        {"name": "nul\x00byte"},
        {"address": "nul\x00byte"},
        {"code": "'; DROP TABLE branch; --"},
        {"code": "NJ\x00"},
        {"languages": ["zh", "'; --"]},
    ],
)
async def test_hostile_branch_fields_that_cannot_be_kept_are_4xx(client, world, fields):
    body = {"code": "NJ-H", "name": "营业室", "parent_id": world.branches["NJ"], **fields}
    response = await client.post("/api/branches", json=body, headers=world.auth("admin"))
    assert_clear_4xx(response, 400)
    listing = await client.get("/api/branches", headers=world.auth("admin"))
    assert listing.json()["total"] == len(world.branches)


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_display_name_is_refused_or_kept_verbatim(client, world, text):
    response = await client.post(
        "/api/users",
        json={
            "username": "newcomer",
            "password": "long enough password",
            "role": "staff",
            "branch_id": world.branches["NJ-LS"],
            "display_name": text,
        },
        headers=world.auth("admin"),
    )
    if response.status_code >= 400:
        assert_clear_4xx(response)
        return
    assert response.status_code == 201
    stored = await client.get(f"/api/users/{response.json()['id']}", headers=world.auth("admin"))
    assert stored.json()["display_name"] == text


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "'; DROP TABLE app_user; --"},
        {"username": "x" * 10_000},
        {"username": "admin\x00"},
        {"display_name": "nul\x00byte"},
        {"display_name": "z" * 100_000},
        {"password": "\x00" * 3},
        {"password": "p" * 100_000},
    ],
)
async def test_hostile_user_fields_that_cannot_be_kept_are_4xx(client, world, fields):
    body = {
        "username": "newcomer",
        "password": "long enough password",
        "role": "staff",
        "branch_id": world.branches["NJ-LS"],
        **fields,
    }
    response = await client.post("/api/users", json=body, headers=world.auth("admin"))
    assert_clear_4xx(response, 400)
    listing = await client.get("/api/users", headers=world.auth("admin"))
    assert listing.json()["total"] == len(world.users)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x" * 100_000, "password": "p"},
        {"username": "nul\x00", "password": "p\x00"},
        {"username": "' OR '1'='1", "password": "' OR '1'='1"},
    ],
)
async def test_hostile_login_is_4xx(client, world, body):
    response = await client.post("/api/auth/login", json=body)
    assert_clear_4xx(response)


async def test_garbage_bearer_tokens_are_401(client, world):
    for token in ["x" * 10_000, "' OR 1=1 --", "\u00e9\u00e8"]:
        response = await client.get(
            "/api/users/me", headers={"Authorization": f"Bearer {token}".encode()}
        )
        assert_clear_4xx(response, 401)


class _NothingExists:
    """Stands in for `Table.exists()` to replay a race: the check passes, the insert clashes."""

    def where(self, *args: Any) -> Any:
        async def no() -> bool:
            return False

        return no()


async def test_losing_a_race_for_a_username_is_409_not_500(client, world, monkeypatch):
    from accounts.tables import User

    monkeypatch.setattr(User, "exists", lambda: _NothingExists())
    response = await client.post(
        "/api/users",
        json={
            "username": "staff_lk",
            "password": "long enough password",
            "role": "staff",
            "branch_id": world.branches["NJ-LS"],
        },
        headers=world.auth("admin"),
    )
    assert "already exists" in assert_clear_4xx(response, 409)
    monkeypatch.undo()
    assert (await client.get("/api/users", headers=world.auth("admin"))).json()["total"] == 6


async def test_losing_a_race_for_a_branch_code_is_409_not_500(client, world, monkeypatch):
    from accounts.tables import Branch

    monkeypatch.setattr(Branch, "exists", lambda: _NothingExists())
    response = await client.post(
        "/api/branches", json={"code": "NJ-LK", "name": "六库"}, headers=world.auth("admin")
    )
    assert "already exists" in assert_clear_4xx(response, 409)
    monkeypatch.undo()
    assert (await client.get("/api/branches", headers=world.auth("admin"))).json()["total"] == 4
