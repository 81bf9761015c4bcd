"""A client_ref never carries a personal number, and import errors never quote one."""

import pytest

from tests.fixtures import detail_of
from tests.interceptions.conftest import new_body
from tests.interceptions.test_csv_import import row, to_csv, total, upload

CARD = "6222021234567890128"

REFUSED_REFS = [
    ("13812345678", "mobile number"),
    ("lk-138-1234-5678", "mobile number"),
    ("+86 139 1234 5678", "mobile number"),
    ("530102199001011234", "ID-card number"),
    ("ref-530102-19900101-123X", "ID-card number"),
    (CARD, "bank card number"),
    ("card 6222 0212 3456 7890 128", "bank card number"),
]


@pytest.mark.parametrize(("ref", "what"), REFUSED_REFS)
async def test_a_client_ref_holding_a_personal_number_is_refused(client, world, ref, what):
    response = await client.post(
        "/api/interceptions", json=new_body(client_ref=ref), headers=world.auth("staff_lk")
    )
    assert response.status_code == 422, response.text
    detail = detail_of(response)
    assert f"looks like a {what}" in detail or f"looks like an {what}" in detail
    assert "client_ref" in detail
    assert ref not in response.text
    assert await total(client, world) == 0


@pytest.mark.parametrize(
    "ref",
    [
        "8d0f6c7e-3b1a-4e8f-9c2d-5a6b7c8d9e0f",
        "lk-2025-06-01-001",
        "nujiang-demo-001",
        "staff-7-20250601143000",
    ],
)
async def test_ordinary_keys_are_kept(client, world, ref):
    response = await client.post(
        "/api/interceptions", json=new_body(client_ref=ref), headers=world.auth("staff_lk")
    )
    assert response.status_code == 201, response.text
    assert response.json()["client_ref"] == ref


async def test_the_csv_import_refuses_such_a_client_ref_without_quoting_it(client, world):
    rows = [row(1), row(2, client_ref="13812345678"), row(3, client_ref=CARD)]
    response = await upload(client, world, to_csv(rows))
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "client_ref"), (4, "client_ref")]
    assert "mobile number" in errors[0]["reason"]
    assert "bank card number" in errors[1]["reason"]
    assert "13812345678" not in response.text
    assert "3456789012" not in response.text
    assert await total(client, world) == 0


async def test_import_errors_quote_cells_masked(client, world):
    mobile, id_card = "13812345678", "530102199001011234"
    rows = [
        row(1, channel=f"柜面{mobile}"),
        row(2, fraud_type=f"身份证{id_card}"),
        row(3, amount_saved=mobile),
        row(4, occurred_at=f"{mobile} 10:00"),
        row(5, branch_code=f"NJ {CARD}"),
        row(6, event_id=mobile),
        row(7, victim_age_band=f"+86 138 1234 5678 {'x' * 40}"),
    ]
    response = await upload(client, world, to_csv(rows))
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {
        "channel",
        "fraud_type",
        "amount_saved",
        "occurred_at",
        "branch_code",
        "event_id",
        "victim_age_band",
    }
    text = response.text
    for raw in (mobile, id_card, CARD, "1234 5678", "3456789012"):
        assert raw not in text, raw
    # The cells are still quoted, masked, so that a coordinator finds the row.
    assert "138****5678" in text
    assert "5301**********1234" in text
    assert "6222 **** **** 0128" in text
    assert "138****5678" in detail_of(response)
