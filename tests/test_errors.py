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


# Every JSON body goes through one decoder; each kind of unreadable body is a 400 there.
JSON_ENDPOINTS = [
    ("/api/events", "coord"),
    ("/api/interceptions", "staff_lk"),
    ("/api/branches", "admin"),
    ("/api/campaigns", "coord"),
    ("/api/imports/calendar", "coord"),
    ("/api/auth/login", None),
]


async def _post(
    client: Any, world: Any, path: str, user: str | None, content: bytes, content_type: str
) -> Any:
    headers = {"Content-Type": content_type, **(world.auth(user) if user else {})}
    return await client.post(path, content=content, headers=headers)


async def _nothing_was_stored(client: Any, world: Any) -> None:
    admin = world.auth("admin")
    for path, total in [
        ("/api/events", 0),
        ("/api/interceptions", 0),
        ("/api/campaigns", 0),
        ("/api/branches", len(world.branches)),
    ]:
        assert (await client.get(path, headers=admin)).json()["total"] == total, path


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b"[" * 5_000 + b"]" * 5_000,
        b'{"title": ' * 20_000 + b"1" + b"}" * 20_000,
    ],
    ids=["100000 brackets", "balanced", "objects"],
)
@pytest.mark.parametrize(("path", "user"), JSON_ENDPOINTS)
async def test_deeply_nested_json_is_400(client, world, path, user, body):
    for content_type in ("application/json", "text/plain"):
        response = await _post(client, world, path, user, body, content_type)
        if content_type == "text/plain" and path == "/api/imports/calendar":
            # There text/plain means an .ics file, which this is not.
            assert_clear_4xx(response)
            continue
        detail = assert_clear_4xx(response, 400)
        assert "nested too deeply" in detail or "not valid JSON" in detail, detail
    await _nothing_was_stored(client, world)


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "\xff\xfe"}',
        b'{"name": "\xed\xa0\x80"}',
        b'{"username": "caf\xe9", "password": "x"}',
        b'{"description": "\xc3\x28"}',
        b"\xc3\x28",
    ],
)
@pytest.mark.parametrize(("path", "user"), JSON_ENDPOINTS)
async def test_a_body_that_is_not_utf8_is_400(client, world, path, user, body):
    for content_type in ("application/json", "application/json; charset=latin-1"):
        response = await _post(client, world, path, user, body, content_type)
        detail = assert_clear_4xx(response, 400)
        assert "UTF-8" in detail or "not valid JSON" in detail, detail
    await _nothing_was_stored(client, world)


NUL_BODIES = [
    ("/api/events", "coord", {"title": "讲座\u0000", "starts_at": "2025-03-14T10:00:00+08:00"}),
    (
        "/api/events",
        "coord",
        {
            "title": "讲座",
            "starts_at": "2025-03-14T10:00:00+08:00",
            "ends_at": "2025-03-14T11:00:00+08:00",
            "venue": {"name": "大厅\u0000"},
        },
    ),
    ("/api/campaigns", "coord", {"name": "\u0000", "theme": "local"}),
    ("/api/branches", "admin", {"code": "NJ-N", "name": "网点", "languages": ["zh\u0000"]}),
    ("/api/branches", "admin", {"code": "NJ-N", "name": "网点", "\u0000": 1}),
    ("/api/interceptions", "staff_lk", {"client_ref": "nul-1", "attribution_note": "a\u0000"}),
    ("/api/auth/login", None, {"username": "admin\u0000", "password": "x"}),
    ("/api/imports/calendar", "coord", {"url": "https://example.org/\u0000.ics"}),
]


@pytest.mark.parametrize(("path", "user", "body"), NUL_BODIES)
async def test_nul_in_any_json_text_is_400_on_both_databases(client, world, path, user, body):
    response = await client.post(path, json=body, headers=world.auth(user) if user else {})
    assert "NUL" in assert_clear_4xx(response, 400)
    await _nothing_was_stored(client, world)


async def test_an_escaped_backslash_before_u0000_is_not_nul(client, world):
    body = {"code": "NJ-B", "name": "\\u0000 is how JSON writes NUL", "parent_id": None}
    response = await client.post("/api/branches", json=body, headers=world.auth("admin"))
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "\\u0000 is how JSON writes NUL"


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/api/events?q=a%00b", "coord"),
        ("/api/events?from=2025-01-01%00", "coord"),
        ("/api/branches?limit=1%00", "admin"),
        ("/api/occurrences?from=2025-01-01&to=2025-02-01&branch=%00", None),
        ("/calendar.ics?branch=NJ%00", None),
        ("/?lang=%00", None),
        ("/events/1%00", None),
        ("/calendar/private/%00.ics", None),
    ],
)
async def test_nul_in_the_address_is_400_on_both_databases(client, world, path, user):
    response = await client.get(path, headers=world.auth(user) if user else {})
    assert "NUL" in assert_clear_4xx(response, 400)


async def test_nul_in_a_form_or_an_uploaded_file_is_400(client, world):
    form = await client.post(
        "/api/auth/login",
        content=b"username=admin%00&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "NUL" in assert_clear_4xx(form, 400)
    calendar = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:nul@x\r\n"
        b"DTSTAMP:20250101T000000Z\r\nDTSTART:20250314T020000Z\r\nSUMMARY:a\x00b\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    coord = world.auth("coord")
    for response in (
        await client.post(
            "/api/imports/calendar",
            files={"file": ("a.ics", calendar, "text/calendar")},
            headers=coord,
        ),
        await client.post(
            "/api/imports/calendar",
            content=calendar,
            headers={**coord, "Content-Type": "text/calendar"},
        ),
    ):
        assert "NUL" in assert_clear_4xx(response, 400)
    await _nothing_was_stored(client, world)
