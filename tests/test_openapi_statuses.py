"""The OpenAPI document lists every status an operation can answer, with one error shape.

The fuzzing test (tests/test_fuzz_schema.py) proves no answer is undocumented;
these tests read the document as a client generator would.
"""

from typing import Any

from tests.test_health_schema import openapi, operations

ERROR_BODY = "#/components/schemas/ErrorBody"
# Guarded by a role, so both "sign in" (401) and "not your role" (403).
ROLE_GUARDED = {
    ("get", "/api/users"),
    ("post", "/api/branches"),
    ("post", "/api/campaigns"),
    ("post", "/api/interceptions/{interception_id}/verify"),
    ("get", "/api/exports/interceptions.csv"),
    ("get", "/api/reports/summary"),
    ("get", "/metrics"),
}
LOGIN_ONLY = {("get", "/api/users/me"), ("get", "/api/branches"), ("get", "/api/campaigns")}
PUBLIC = {("get", "/api/events"), ("get", "/api/events/{event_id}"), ("get", "/calendar.ics")}


def _error_schema(schema: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


async def test_the_error_body_is_a_named_schema(client):
    schema = await openapi(client)
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"status_code", "detail", "extra"}
    assert set(body["required"]) == {"status_code", "detail"}
    kinds = {item.get("items", {}).get("$ref") for item in body["properties"]["extra"]["oneOf"]}
    assert kinds == {
        "#/components/schemas/InputProblem",
        "#/components/schemas/ClashingEvent",
        None,  # null: no details
    }


async def test_every_operation_documents_bad_input_and_an_unavailable_database(client):
    schema = await openapi(client)
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        for status in ("400", "503"):
            assert status in responses, (method, path, status)
        for status, response in responses.items():
            health = (path, status) == ("/health", "503")  # its own body: what is down
            if status.startswith(("4", "5")) and "application/json" in response["content"]:
                if health:
                    continue
                shape = _error_schema(schema, response)
                assert {"status_code", "detail"} <= set(shape["required"]), (method, path, status)


async def test_guards_and_path_parameters_are_documented(client):
    schema = await openapi(client)
    found = {(method, path): op["responses"] for method, path, op in operations(schema)}
    for key in ROLE_GUARDED:
        assert {"401", "403"} <= set(found[key]), key
    for key in LOGIN_ONLY:
        assert "401" in found[key], key
        assert "403" not in found[key], key
    for key in PUBLIC:
        assert "401" not in found[key], key
    for (method, path), responses in found.items():
        if "{" in path:
            assert "404" in responses, (method, path)
        if method in {"post", "put", "patch", "delete"}:
            assert {"409", "413", "422"} <= set(responses), (method, path)


async def test_operations_keep_their_own_richer_answers(client):
    schema = await openapi(client)
    found = {(method, path): op["responses"] for method, path, op in operations(schema)}
    login = found[("post", "/api/auth/login")]
    assert {"401", "429"} <= set(login)
    assert login["401"]["content"]["application/json"]["schema"]["$ref"] == ERROR_BODY
    calendar = found[("post", "/api/imports/calendar")]["422"]
    assert "errors" in _error_schema(schema, calendar)["properties"]
    interceptions = found[("post", "/api/imports/interceptions")]["422"]
    assert "errors" in _error_schema(schema, interceptions)["properties"]
    health = found[("get", "/health")]["503"]["content"]["application/json"]["schema"]
    assert health["$ref"] == "#/components/schemas/Health"


async def test_an_answered_error_has_the_documented_shape(client, world):
    # An unknown id and no sign-in: each answers the status and shape documented.
    missing = await client.get("/api/campaigns/999999", headers=world.auth("admin"))
    assert missing.status_code == 404
    assert set(missing.json()) <= {"status_code", "detail", "extra"}
    anonymous = await client.get("/api/users/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["status_code"] == 401
    assert anonymous.json()["detail"]
