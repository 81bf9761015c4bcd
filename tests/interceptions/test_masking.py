"""Personal numbers are masked before storage, and the response says where."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interceptions.masking import mask_text
from tests.interceptions.conftest import history, log


async def test_must_show_2_mobile_in_description_is_stored_masked(client, world):
    got = await log(client, world, description="受害人电话13812345678，已劝阻")
    assert got["description"] == "受害人电话138****5678，已劝阻"
    assert got["masked"] == [{"field": "description", "kind": "mobile"}]
    stored = await client.get(f"/api/interceptions/{got['id']}", headers=world.auth("admin"))
    assert "13812345678" not in stored.text
    assert stored.json()["description"] == "受害人电话138****5678，已劝阻"
    assert "13812345678" not in str(await history(client, world, got["id"]))
    listed = await client.get("/api/interceptions", headers=world.auth("admin"))
    assert "13812345678" not in listed.text


async def test_every_text_field_is_scanned(client, world):
    got = await log(
        client,
        world,
        description="身份证530102199001011234",
        attribution_note="回访 +86 139-1234-5678",
        police_case_no="53010219900101123X",
    )
    assert got["description"] == "身份证5301**********1234"
    assert got["attribution_note"] == "回访 +86 139****5678"
    assert got["police_case_no"] == "5301**********123X"
    assert got["masked"] == [
        {"field": "description", "kind": "id_card"},
        {"field": "attribution_note", "kind": "mobile"},
        {"field": "police_case_no", "kind": "id_card"},
    ]


async def test_review_note_and_edits_are_masked_too(client, world):
    got = await log(client, world, description="无个人信息")
    patched = await client.patch(
        f"/api/interceptions/{got['id']}",
        json={"description": "家属电话 150 1234 5678"},
        headers=world.auth("staff_lk"),
    )
    assert patched.status_code == 200
    assert patched.json()["description"] == "家属电话 150****5678"
    assert patched.json()["masked"] == [{"field": "description", "kind": "mobile"}]
    items = await history(client, world, got["id"])
    assert items[-1]["changes"]["description"] == ["无个人信息", "家属电话 150****5678"]
    verified = await client.post(
        f"/api/interceptions/{got['id']}/verify",
        json={"note": "已与本人18612345678核实"},
        headers=world.auth("coord_lk"),
    )
    assert verified.status_code == 200
    assert verified.json()["review_note"] == "已与本人186****5678核实"
    assert {"field": "review_note", "kind": "mobile"} in verified.json()["masked"]
    assert "18612345678" not in str(await history(client, world, got["id"]))


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("13812345678", "138****5678", ["mobile"]),
        ("tel:19912345678.", "tel:199****5678.", ["mobile"]),
        ("138-1234-5678", "138****5678", ["mobile"]),
        ("8613812345678", "86138****5678", ["mobile"]),
        ("１３８１２３４５６７８", "１３８****５６７８", ["mobile"]),
        ("530102199001011234", "5301**********1234", ["id_card"]),
        ("53010219900101123x", "5301**********123x", ["id_card"]),
        ("旧证530102900101123号", "旧证5301*******1123号", ["id_card"]),
        # Longer digit runs are other numbers: a bank reference, a police case number.
        ("213812345678", "213812345678", []),
        ("138123456789", "138123456789", []),
        ("6222021234567890123", "6222021234567890123", []),
        ("5301021990010112345", "5301021990010112345", []),
        ("A5333011600002025060012", "A5333011600002025060012", []),
        # Not a mobile prefix, not a plausible old ID card.
        ("12812345678", "12812345678", []),
        ("999999999999999", "999999999999999", []),
        ("金额86000元", "金额86000元", []),
    ],
)
def test_mask_text_cases(text, masked, kinds):
    assert mask_text(text) == (masked, kinds)


_FILLER = st.text(alphabet="收款转账电话号码，。abc -:", max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    before=_FILLER,
    after=_FILLER,
    second=st.sampled_from("3456789"),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
)
def test_a_mobile_between_non_digits_never_survives(before, after, second, rest):
    number = f"1{second}{rest}"
    masked, kinds = mask_text(f"{before}{number}{after}")
    assert number not in masked
    assert "mobile" in kinds or "id_card" in kinds


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@settings(max_examples=60, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=19, max_size=30))
def test_long_digit_runs_are_left_alone(digits):
    # 16–19 digits passing the Luhn check are bank cards (tested below); others stay.
    assume(len(digits) > 19 or not luhn_ok(digits) or digits[0] == "0")
    assert mask_text(f"编号{digits}号") == (f"编号{digits}号", [])
