"""Review by coordinators, who may edit what, and the audit trail of it all."""

import pytest

from tests.fixtures import detail_of
from tests.interceptions.conftest import history, log


async def test_must_show_3_staff_cannot_verify_then_verified_record_is_locked(client, world):
    got = await log(client, world, user="staff_lk")
    ident = got["id"]
    denied = await client.post(
        f"/api/interceptions/{ident}/verify", json={"note": "ok"}, headers=world.auth("staff_lk")
    )
    assert denied.status_code == 403
    assert detail_of(denied)

    verified = await client.post(
        f"/api/interceptions/{ident}/verify",
        json={"note": "已与派出所核实"},
        headers=world.auth("coord_lk"),
    )
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    assert verified.json()["review_note"] == "已与派出所核实"
    assert verified.json()["reviewed_by"] == world.users["coord_lk"]

    edit = await client.patch(
        f"/api/interceptions/{ident}", json={"amount_saved": "1.00"}, headers=world.auth("staff_lk")
    )
    assert edit.status_code == 403
    assert "admin" in detail_of(edit)

    items = await history(client, world, ident, user="staff_lk")
    assert [item["action"] for item in items] == ["create", "verify"]
    assert items[1]["user"] == "coord_lk"
    assert items[1]["changes"]["status"] == ["logged", "verified"]
    assert items[1]["changes"]["review_note"] == ["", "已与派出所核实"]
    after = await client.get(f"/api/interceptions/{ident}", headers=world.auth("admin"))
    assert after.json()["amount_saved"] == "86000.00"


async def test_only_logged_records_can_be_reviewed(client, world):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    rejected = await client.post(
        f"{url}/reject", json={"note": "查无此事"}, headers=world.auth("coord")
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    for verdict in ("verify", "reject"):
        again = await client.post(
            f"{url}/{verdict}", json={"note": "x"}, headers=world.auth("admin")
        )
        assert again.status_code == 409
        assert "rejected" in detail_of(again)
    assert [i["action"] for i in await history(client, world, got["id"])] == ["create", "reject"]


async def test_review_without_body_and_outside_subtree(client, world):
    got = await log(client, world, user="staff_ls")
    outside = await client.post(
        f"/api/interceptions/{got['id']}/verify", headers=world.auth("coord_lk")
    )
    assert outside.status_code == 404
    inside = await client.post(
        f"/api/interceptions/{got['id']}/verify", headers=world.auth("coord")
    )
    assert inside.status_code == 200
    assert inside.json()["status"] == "verified"
    missing = await client.post("/api/interceptions/999999/verify", headers=world.auth("coord"))
    assert missing.status_code == 404


async def test_staff_edit_their_own_logged_records_only(client, world):
    mine = await log(client, world, user="staff_lk")
    theirs = await log(client, world, user="staff_lka")
    ok = await client.patch(
        f"/api/interceptions/{mine['id']}",
        json={"amount_saved": "90000.10", "fraud_type": "fake_loan"},
        headers=world.auth("staff_lk"),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["amount_saved"] == "90000.10"
    denied = await client.patch(
        f"/api/interceptions/{theirs['id']}",
        json={"amount_saved": "1.00"},
        headers=world.auth("staff_lk"),
    )
    assert denied.status_code == 403
    unseen = await client.patch(
        f"/api/interceptions/{mine['id']}", json={"channel": "atm"}, headers=world.auth("staff_ls")
    )
    assert unseen.status_code == 404
    # Coordinators correct logged records of their subtree.
    coord = await client.patch(
        f"/api/interceptions/{theirs['id']}",
        json={"channel": "atm"},
        headers=world.auth("coord_lk"),
    )
    assert coord.status_code == 200
    assert coord.json()["channel"] == "atm"
    items = await history(client, world, mine["id"])
    assert items[-1]["action"] == "update"
    assert items[-1]["user"] == "staff_lk"
    assert items[-1]["changes"] == {
        "amount_saved": ["86000.00", "90000.10"],
        "fraud_type": ["fake_investment", "fake_loan"],
    }


async def test_only_admin_changes_a_verified_record(client, world):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    await client.post(f"{url}/verify", json={"note": "ok"}, headers=world.auth("coord"))
    for user in ("staff_lk", "coord_lk", "coord"):
        response = await client.patch(url, json={"amount_saved": "5.00"}, headers=world.auth(user))
        assert response.status_code == 403, user
    admin = await client.patch(url, json={"amount_saved": "85000.00"}, headers=world.auth("admin"))
    assert admin.status_code == 200
    assert admin.json()["amount_saved"] == "85000.00"
    assert admin.json()["status"] == "verified"
    reopened = await client.patch(url, json={"status": "logged"}, headers=world.auth("admin"))
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "logged"
    assert reopened.json()["reviewed_by"] is None
    items = await history(client, world, got["id"])
    assert [i["action"] for i in items] == ["create", "verify", "update", "update"]
    assert items[2]["changes"] == {"amount_saved": ["86000.00", "85000.00"]}
    assert items[3]["changes"] == {"status": ["verified", "logged"]}


async def test_non_admins_cannot_patch_review_fields(client, world):
    got = await log(client, world)
    for body in ({"status": "verified"}, {"review_note": "x"}):
        response = await client.patch(
            f"/api/interceptions/{got['id']}", json=body, headers=world.auth("coord")
        )
        assert response.status_code == 403
    assert (
        await client.get(f"/api/interceptions/{got['id']}", headers=world.auth("coord"))
    ).json()["status"] == "logged"


async def test_patch_rechecks_rules(client, world, make_event):
    got = await log(client, world)
    url = f"/api/interceptions/{got['id']}"
    headers = world.auth("staff_lk")
    for body, status in [
        ({"amount_saved": "-1"}, 422),
        ({"amount_saved": 5}, 422),
        ({"occurred_at": "2999-01-01T00:00:00+08:00"}, 422),
        ({"branch_id": world.branches["NJ-LS"]}, 403),
        ({"event_id": 424242}, 422),
        ({"client_ref": "other"}, 400),
        ({"fraud_type": "nope"}, 400),
    ]:
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert detail_of(response)
    event = await make_event("NJ-LK")
    attributed = await client.patch(url, json={"event_id": event}, headers=headers)
    assert attributed.status_code == 200
    assert attributed.json()["event_id"] == event
    # Moving the interception before the event's start would break the attribution.
    early = await client.patch(
        url, json={"occurred_at": "2025-05-01T09:00:00+08:00"}, headers=headers
    )
    assert early.status_code == 422
    cleared = await client.patch(url, json={"event_id": None}, headers=headers)
    assert cleared.json()["event_id"] is None
    items = await history(client, world, got["id"])
    assert [i["changes"] for i in items[1:]] == [
        {"event_id": [None, event]},
        {"event_id": [event, None]},
    ]


async def test_no_op_patch_records_nothing(client, world):
    got = await log(client, world)
    same = await client.patch(
        f"/api/interceptions/{got['id']}",
        json={"amount_saved": "86000", "channel": "counter"},
        headers=world.auth("staff_lk"),
    )
    assert same.status_code == 200
    assert same.json()["updated_at"] == got["updated_at"]
    assert len(await history(client, world, got["id"])) == 1


@pytest.mark.parametrize("user", ["staff_ls", "coord_lk"])
async def test_history_is_scoped(client, world, user):
    got = await log(client, world, user="staff_lka")
    response = await client.get(
        f"/api/interceptions/{got['id']}/history", headers=world.auth("staff_ls")
    )
    assert response.status_code == 404
    visible = await client.get(f"/api/interceptions/{got['id']}/history", headers=world.auth(user))
    assert visible.status_code == (404 if user == "staff_ls" else 200)


# Maker-checker: whoever logged or last edited an interception cannot review it.


@pytest.mark.parametrize("verdict", ["verify", "reject"])
async def test_the_maker_cannot_review_their_own_interception(client, world, verdict):
    for maker in ("coord_lk", "admin"):
        got = await log(client, world, user=maker)
        url = f"/api/interceptions/{got['id']}"
        refused = await client.post(
            f"{url}/{verdict}", json={"note": "自己核实"}, headers=world.auth(maker)
        )
        assert refused.status_code == 403, maker
        assert "You logged this interception" in detail_of(refused)
        assert "someone else" in detail_of(refused)
        # Nothing changed and nothing was recorded.
        assert (await client.get(url, headers=world.auth(maker))).json()["status"] == "logged"
        assert [i["action"] for i in await history(client, world, got["id"])] == ["create"]
        checker = "coord" if maker != "coord" else "admin"
        checked = await client.post(f"{url}/{verdict}", headers=world.auth(checker))
        assert checked.status_code == 200


async def test_the_last_editor_cannot_review(client, world):
    got = await log(client, world, user="staff_lk")
    url = f"/api/interceptions/{got['id']}"
    edited = await client.patch(url, json={"amount_saved": "99000.00"}, headers=world.auth("coord"))
    assert edited.status_code == 200
    refused = await client.post(f"{url}/verify", headers=world.auth("coord"))
    assert refused.status_code == 403
    assert "You last edited this interception" in detail_of(refused)
    # Once someone else has edited since, the earlier editor is a second person again.
    again = await client.patch(url, json={"channel": "atm"}, headers=world.auth("coord_lk"))
    assert again.status_code == 200
    assert (await client.post(f"{url}/verify", headers=world.auth("coord_lk"))).status_code == 403
    verified = await client.post(f"{url}/verify", headers=world.auth("coord"))
    assert verified.status_code == 200
    assert verified.json()["reviewed_by"] == world.users["coord"]


async def test_admins_too_need_a_second_person(client, world):
    got = await log(client, world, user="staff_lk")
    url = f"/api/interceptions/{got['id']}"
    assert (
        await client.patch(url, json={"description": "管理员改写"}, headers=world.auth("admin"))
    ).status_code == 200
    for verdict in ("verify", "reject"):
        refused = await client.post(f"{url}/{verdict}", headers=world.auth("admin"))
        assert refused.status_code == 403
        assert "last edited" in detail_of(refused)
    # A review by PATCH is still a review.
    patched = await client.patch(url, json={"status": "verified"}, headers=world.auth("admin"))
    assert patched.status_code == 403
    assert "last edited" in detail_of(patched)
    # Editing and reviewing in one step would let one person do both.
    other = await log(client, world, user="staff_lk")
    both = await client.patch(
        f"/api/interceptions/{other['id']}",
        json={"amount_saved": "1000000.00", "status": "verified"},
        headers=world.auth("admin"),
    )
    assert both.status_code == 403
    assert "two steps" in detail_of(both)
    after = (
        await client.get(f"/api/interceptions/{other['id']}", headers=world.auth("admin"))
    ).json()
    assert (after["status"], after["amount_saved"]) == ("logged", "86000.00")
    # An admin who logged an interception cannot overturn its review to verified either.
    own = await log(client, world, user="admin")
    rejected = await client.post(
        f"/api/interceptions/{own['id']}/reject",
        json={"note": "查无此事"},
        headers=world.auth("coord"),
    )
    assert rejected.status_code == 200
    overturn = await client.patch(
        f"/api/interceptions/{own['id']}", json={"status": "verified"}, headers=world.auth("admin")
    )
    assert overturn.status_code == 403
    assert "You logged this interception" in detail_of(overturn)


async def test_reopening_a_review_is_not_an_edit(client, world):
    got = await log(client, world, user="staff_lk")
    url = f"/api/interceptions/{got['id']}"
    assert (await client.post(f"{url}/verify", headers=world.auth("coord"))).status_code == 200
    reopened = await client.patch(
        url, json={"status": "logged", "review_note": ""}, headers=world.auth("admin")
    )
    assert reopened.status_code == 200
    # The admin only reopened it: they did not write what it says, so they may review it.
    again = await client.post(f"{url}/reject", json={"note": "重复"}, headers=world.auth("admin"))
    assert again.status_code == 200
