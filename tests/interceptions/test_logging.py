"""Logging an interception: fields, defaults, scoping and the rules of a valid record."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures import detail_of
from tests.interceptions.conftest import history, log, new_body


async def test_create_answers_201_with_every_spec_field(client, world):
    body = new_body(police_case_no="A53330116", attribution_note="讲座后来电")
    response = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert response.status_code == 201, response.text
    got = response.json()
    assert got["client_ref"] == body["client_ref"]
    assert got["amount_saved"] == "86000.00"
    assert got["currency"] == "CNY"
    assert got["branch_id"] == world.branches["NJ-LK"]
    assert got["logged_by"] == world.users["staff_lk"]
    assert got["status"] == "logged"
    assert got["channel"] == "counter"
    assert got["fraud_type"] == "fake_investment"
    assert got["victim_age_band"] == "60_plus"
    assert got["event_id"] is None
    assert got["police_case_no"] == "A53330116"
    assert got["attribution_note"] == "讲座后来电"
    assert got["review_note"] == ""
    assert got["masked"] == []
    assert datetime.fromisoformat(got["occurred_at"]) == datetime(2025, 6, 1, 6, 30, tzinfo=UTC)
    assert got["occurred_at"].endswith("+08:00")
    for stamp in ("created_at", "updated_at"):
        assert datetime.fromisoformat(got[stamp]).tzinfo is not None

    fetched = await client.get(f"/api/interceptions/{got['id']}", headers=world.auth("coord"))
    assert fetched.status_code == 200
    assert fetched.json() == got


async def test_amount_is_exact_and_formatted(client, world):
    for text, shown in [
        ("0", "0.00"),
        ("0.1", "0.10"),
        ("12.34", "12.34"),
        ("100000000.00", "100000000.00"),
        ("  5 ", "5.00"),
    ]:
        got = await log(client, world, amount_saved=text)
        assert got["amount_saved"] == shown


@pytest.mark.parametrize(
    "amount",
    [
        "-1",
        "1e5",
        "0.001",
        "NaN",
        "86,000",
        "1e12",
        "100000000.01",
        "",
        "  ",
        "¥100",
        "１００",
        "0x10",
        "1_000",
        "Infinity",
        "+5",
        "5.",
        ".5",
        "00012",
    ],
)
async def test_hostile_amount_strings_are_422_with_reason(client, world, amount):
    response = await client.post(
        "/api/interceptions", json=new_body(amount_saved=amount), headers=world.auth("staff_lk")
    )
    assert response.status_code == 422, response.text
    assert "amount_saved" in detail_of(response)
    assert (await client.get("/api/interceptions", headers=world.auth("admin"))).json()[
        "total"
    ] == 0


@pytest.mark.parametrize("amount", [-1, 1e5, 0.001, 1e12, 86000, 86000.0, True, None, [], {}])
async def test_amount_as_json_value_not_string_is_refused(client, world, amount):
    response = await client.post(
        "/api/interceptions", json=new_body(amount_saved=amount), headers=world.auth("staff_lk")
    )
    assert 400 <= response.status_code < 500, response.text
    assert detail_of(response)
    assert (await client.get("/api/interceptions", headers=world.auth("admin"))).json()[
        "total"
    ] == 0


@pytest.mark.parametrize("raw", [b'{"amount_saved": NaN}', b'{"amount_saved": 1e400}', b"{", b"[]"])
async def test_malformed_json_is_400(client, world, raw):
    response = await client.post(
        "/api/interceptions",
        content=raw,
        headers={**world.auth("staff_lk"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert detail_of(response)


async def test_missing_and_unknown_fields_are_400(client, world):
    body = new_body()
    del body["fraud_type"]
    r = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
    assert r.status_code == 400
    assert "fraud_type" in detail_of(r)
    r = await client.post(
        "/api/interceptions", json=new_body(victim_name="张三"), headers=world.auth("staff_lk")
    )
    assert r.status_code == 400
    r = await client.post(
        "/api/interceptions", json=new_body(fraud_type="pyramid"), headers=world.auth("staff_lk")
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "2025-06-01T14:30:00"),  # no offset
        ("occurred_at", "not a time"),
        ("description", "a\u0000b"),
        ("client_ref", ""),
        ("client_ref", "x" * 101),
        ("client_ref", "tab\there"),
        ("police_case_no", "1" * 101),
        ("description", "长" * 4001),
        ("branch_id", 0),
        ("event_id", -3),
        ("currency", "USD"),
    ],
)
async def test_bad_field_values_are_4xx(client, world, field, value):
    response = await client.post(
        "/api/interceptions", json=new_body(**{field: value}), headers=world.auth("staff_lk")
    )
    assert response.status_code == 400, response.text
    assert detail_of(response)


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+05:00", "1999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-05:00"]
)
async def test_implausible_dates_are_422(client, world, when):
    response = await client.post(
        "/api/interceptions", json=new_body(occurred_at=when), headers=world.auth("staff_lk")
    )
    assert response.status_code == 422, response.text
    assert "occurred_at" in detail_of(response)


async def test_future_occurred_at_is_refused_but_small_skew_is_not(client, world):
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = await client.post(
        "/api/interceptions", json=new_body(occurred_at=later), headers=world.auth("staff_lk")
    )
    assert response.status_code == 422
    assert "future" in detail_of(response)
    skewed = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    await log(client, world, occurred_at=skewed)


async def test_branch_defaults_to_callers_and_must_be_in_subtree(client, world):
    got = await log(client, world, user="staff_lk", branch_id=world.branches["NJ-LK-A"])
    assert got["branch_id"] == world.branches["NJ-LK-A"]
    for code in ("NJ", "NJ-LS"):
        response = await client.post(
            "/api/interceptions",
            json=new_body(branch_id=world.branches[code]),
            headers=world.auth("staff_lk"),
        )
        assert response.status_code == 403
        assert detail_of(response)
    missing = await client.post(
        "/api/interceptions", json=new_body(branch_id=99999), headers=world.auth("admin")
    )
    assert missing.status_code == 422
    assert (await client.get("/api/interceptions", headers=world.auth("admin"))).json()[
        "total"
    ] == 1


async def test_public_cannot_log_or_read(client, world):
    assert (await client.post("/api/interceptions", json=new_body())).status_code == 401
    assert (await client.get("/api/interceptions")).status_code == 401
    got = await log(client, world)
    for path in (f"/api/interceptions/{got['id']}", f"/api/interceptions/{got['id']}/history"):
        response = await client.get(path)
        assert response.status_code == 401
        assert "86000" not in response.text


async def test_event_attribution_rules(client, world, make_event):
    public_lk = await make_event("NJ-LK")
    internal_ls = await make_event("NJ-LS", visibility="internal")
    draft_ls = await make_event("NJ-LS", status="draft")
    public_ls = await make_event("NJ-LS")
    internal_lk = await make_event("NJ-LK", visibility="internal")
    late = await make_event("NJ-LK", starts_at=datetime(2025, 6, 2, tzinfo=UTC))

    for event_id in (public_lk, public_ls, internal_lk):
        got = await log(client, world, event_id=event_id, attribution_note="讲座后识别")
        assert got["event_id"] == event_id
    for event_id in (internal_ls, draft_ls, 987654):
        response = await client.post(
            "/api/interceptions", json=new_body(event_id=event_id), headers=world.auth("staff_lk")
        )
        assert response.status_code == 422
        assert "may not see" in detail_of(response)
    response = await client.post(
        "/api/interceptions", json=new_body(event_id=late), headers=world.auth("staff_lk")
    )
    assert response.status_code == 422
    assert "after the interception" in detail_of(response)
    # The coordinator of the whole network sees the internal event of NJ-LS.
    await log(client, world, user="coord", event_id=internal_ls)


async def test_create_is_recorded_in_history(client, world):
    got = await log(client, world, amount_saved="1200.5")
    items = await history(client, world, got["id"], user="staff_lk")
    assert len(items) == 1
    item = items[0]
    assert item["action"] == "create"
    assert item["user"] == "staff_lk"
    assert item["changes"]["amount_saved"] == [None, "1200.50"]
    assert item["changes"]["status"] == [None, "logged"]
    assert item["changes"]["client_ref"] == [None, got["client_ref"]]
    assert datetime.fromisoformat(item["at"]).tzinfo is not None
