"""Every shape in the OpenAPI document is typed, and every name says what it holds.

A client generated from the document (openapi-python-client, tests/test_generated_client.py)
turns each named schema into a class: an untyped object becomes a bag of anything,
and a name made of module paths becomes a class nobody can find.
"""

import re
from collections.abc import Iterator
from typing import Any

from tests.test_health_schema import openapi, operations

PAGES = {
    "BranchPage": "BranchOut",
    "UserPage": "UserOut",
    "CampaignPage": "CampaignOut",
    "EventPage": "EventOut",
    "OccurrencePage": "OccurrenceOut",
    "AttendancePage": "AttendanceOut",
    "EventHistoryPage": "EventHistoryItem",
    "AttendanceHistoryPage": "AttendanceHistoryItem",
    "InterceptionPage": "InterceptionOut",
    "InterceptionHistoryPage": "InterceptionHistoryItem",
    "ImpactPage": "EventImpact",
}


def untyped(node: Any, where: str) -> Iterator[str]:
    """Places in a schema that say nothing of what they hold."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from untyped(item, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        return
    if node.get("additionalProperties") in ({}, True):
        yield f"{where}: additionalProperties of any type"
    if node.get("items") == {}:
        yield f"{where}: items of any type"
    kinds = node.get("type")
    is_object = kinds == "object" or (isinstance(kinds, list) and "object" in kinds)
    if is_object and not node.get("properties") and "additionalProperties" not in node:
        yield f"{where}: an object with no properties"
    for key, value in node.items():
        if key not in {"examples", "example"}:
            yield from untyped(value, f"{where}/{key}")


def json_schemas(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every schema of a JSON body, request or response, and every component."""
    for name, component in schema["components"]["schemas"].items():
        yield f"#/components/schemas/{name}", component
    for method, path, operation in operations(schema):
        bodies = [("request", operation.get("requestBody") or {})]
        bodies += [(status, answer) for status, answer in operation["responses"].items()]
        for label, body in bodies:
            for media_type, content in (body.get("content") or {}).items():
                if "json" in media_type:
                    found = content.get("schema")
                    assert found, (method, path, label, "a JSON body without a schema")
                    yield f"{method.upper()} {path} {label}", found


async def test_no_schema_leaves_a_shape_untyped(client):
    schema = await openapi(client)
    problems = [p for where, node in json_schemas(schema) for p in untyped(node, where)]
    assert problems == []


def test_the_walker_finds_untyped_shapes():
    # The check above must be able to fail: these are what Litestar writes for dict[str, Any].
    assert list(untyped({"type": "object", "additionalProperties": {}}, "x"))
    assert list(untyped({"properties": {"a": {"type": "array", "items": {}}}}, "x"))
    assert list(untyped({"oneOf": [{"type": ["object", "null"]}]}, "x"))
    assert not list(untyped({"type": "object", "additionalProperties": {"type": "integer"}}, "x"))


async def test_schema_names_are_unique_and_meaningful(client):
    schema = await openapi(client)
    names = list(schema["components"]["schemas"])
    assert len(names) == len({name.lower() for name in names})
    for name in names:
        # A class name, not a module path or a generic's spelling (events_ics_import_X, Page_X_).
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", name), name


async def test_every_list_answers_one_page_shape(client):
    schema = await openapi(client)
    components = schema["components"]["schemas"]
    pages = {name for name in components if name.endswith("Page")}
    assert pages == set(PAGES)
    for name, item in PAGES.items():
        page = components[name]
        assert set(page["properties"]) == {"items", "total", "limit", "offset"}, name
        assert set(page["required"]) == {"items", "total", "limit", "offset"}, name
        assert page["properties"]["items"]["items"]["$ref"] == f"#/components/schemas/{item}"
    for method, path, operation in operations(schema):
        parameters = {p["name"] for p in operation.get("parameters", [])}
        if method == "get" and {"limit", "offset"} <= parameters:
            answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert answer["$ref"].rsplit("/", 1)[1] in PAGES, path


async def test_reports_and_progress_are_typed(client):
    schema = await openapi(client)
    components = schema["components"]["schemas"]
    figures = components["Figures"]["properties"]
    for name, key in [
        ("by_fraud_type", "fraud_type"),
        ("by_branch", "branch_id"),
        ("by_month", "month"),
        ("by_age_band", "victim_age_band"),
        ("by_channel", "channel"),
    ]:
        row = components[figures[name]["items"]["$ref"].rsplit("/", 1)[1]]
        assert {key, "verified", "pending", "amount_saved", "amount_pending"} <= set(
            row["required"]
        ), name
    progress = components["Progress"]["properties"]
    actuals = components[progress["actuals"]["$ref"].rsplit("/", 1)[1]]
    assert set(actuals["required"]) == {
        "events",
        "attendees",
        "interceptions",
        "interceptions_pending",
        "amount_saved",
        "amount_pending",
    }
    percent = components[progress["percent"]["$ref"].rsplit("/", 1)[1]]
    assert set(percent["properties"]) == {"events", "attendees", "interceptions", "amount_saved"}


async def test_query_parameters_are_never_null(client):
    # A query string has no null: a parameter is there with a value, or absent.
    schema = await openapi(client)
    for method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                text = str(parameter["schema"])
                assert "'null'" not in text, (method, path, parameter["name"])
                assert "None" not in text, (method, path, parameter["name"])
