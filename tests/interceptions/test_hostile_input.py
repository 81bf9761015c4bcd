"""Hostile bodies and oversized uploads: clear 4xx, nothing stored."""

from tests.fixtures import detail_of
from tests.interceptions.conftest import new_body


async def _total(client, world) -> int:
    return (await client.get("/api/interceptions", headers=world.auth("admin"))).json()["total"]


async def test_lone_surrogates_and_control_text_are_refused(client, world):
    for raw in (
        b'{"description": "\\ud800"}',
        b'{"client_ref": "\\u0000"}',
        b"\xff\xfe{}",
    ):
        response = await client.post(
            "/api/interceptions",
            content=raw,
            headers={**world.auth("staff_lk"), "Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert detail_of(response)
    assert await _total(client, world) == 0


async def test_text_that_looks_like_sql_or_markup_is_stored_verbatim(client, world):
    text = "'); DROP TABLE interception; -- <script>alert(1)</script> %s {0}"
    response = await client.post(
        "/api/interceptions",
        json=new_body(description=text, client_ref="'; --"),
        headers=world.auth("staff_lk"),
    )
    assert response.status_code == 201
    assert response.json()["description"] == text
    assert await _total(client, world) == 1


async def test_oversized_json_body_is_413(client, world):
    body = new_body(description="x" * (2 * 1024 * 1024))
    response = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert response.status_code == 413
    assert await _total(client, world) == 0


async def test_upload_above_its_own_limit_is_413(client, world):
    from interceptions.import_controllers import UPLOAD_LIMIT

    response = await client.post(
        "/api/imports/interceptions",
        content=b"a" * (UPLOAD_LIMIT + 1),
        headers={**world.auth("staff_lk"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 413
    assert await _total(client, world) == 0


async def test_operations_are_in_the_openapi_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "listInterceptions",
        "createInterception",
        "getInterception",
        "updateInterception",
        "verifyInterception",
        "rejectInterception",
        "getInterceptionHistory",
        "importInterceptions",
    } <= operations


async def test_ids_beyond_the_database_range_are_4xx(client, world):
    huge = 2**40
    for method, path in [
        ("GET", f"/api/interceptions/{huge}"),
        ("GET", f"/api/interceptions/{huge}/history"),
        ("PATCH", f"/api/interceptions/{huge}"),
        ("POST", f"/api/interceptions/{huge}/verify"),
        ("GET", f"/api/interceptions?event={huge}"),
    ]:
        response = await client.request(
            method, path, json={} if method != "GET" else None, headers=world.auth("admin")
        )
        assert 400 <= response.status_code < 500, (path, response.text)
    response = await client.post(
        "/api/interceptions", json=new_body(event_id=huge), headers=world.auth("admin")
    )
    assert response.status_code == 400
