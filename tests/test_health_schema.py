"""Health check and the self-describing API: /health, /schema and its OpenAPI document."""

from collections.abc import Iterator
from typing import Any

ACCOUNTS_OPERATIONS = {
    ("post", "/api/auth/login"): "login",
    ("post", "/api/auth/logout"): "logout",
    ("get", "/api/users/me"): "getMe",
    ("post", "/api/users/me/calendar-token"): "rotateCalendarToken",
    ("get", "/api/branches"): "listBranches",
    ("post", "/api/branches"): "createBranch",
    ("get", "/api/branches/{branch_id}"): "getBranch",
    ("patch", "/api/branches/{branch_id}"): "updateBranch",
    ("get", "/api/users"): "listUsers",
    ("post", "/api/users"): "createUser",
    ("get", "/api/users/{user_id}"): "getUser",
    ("patch", "/api/users/{user_id}"): "updateUser",
    ("get", "/health"): "health",
}

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head"}


async def openapi(client: Any) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


async def test_health_reports_service_and_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_needs_no_login_even_with_a_stale_token(client):
    response = await client.get("/health", headers={"Authorization": "Bearer revoked-long-ago"})
    assert response.status_code == 200


async def test_health_says_when_the_database_is_down(client, monkeypatch):
    from accounts.tables import Branch

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(Branch, "raw", unreachable)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"
    assert response.json()["status"] != "ok"


async def test_schema_serves_an_interactive_page(client):
    response = await client.get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<html" in page.lower()
    assert "Fangzha" in page
    # Swagger UI, served by the app, loads the document and lets a reader try the operations
    # (tests/pages/test_api_docs.py renders it in Chromium).
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "/static/api-docs.js" in page
    assert 'data-spec-url="/schema/openapi.json"' in page
    assert "/api/auth/login" in (await client.get("/schema/openapi.json")).json()["paths"]


async def test_openapi_lists_the_accounts_operations(client):
    schema = await openapi(client)
    assert schema["openapi"].startswith("3.")
    found = {(method, path): op.get("operationId") for method, path, op in operations(schema)}
    for key, operation_id in ACCOUNTS_OPERATIONS.items():
        assert found.get(key) == operation_id, key
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_every_operation_has_an_id_and_a_description(client):
    schema = await openapi(client)
    ids = []
    for method, path, operation in operations(schema):
        if path.startswith("/schema"):
            continue
        assert operation.get("operationId"), (method, path)
        # The handler's docstring, for the reader of /schema.
        assert (operation.get("description") or "").strip(), (method, path)
        assert operation.get("responses"), (method, path)
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids)), "operation ids must be unique"
