"""Events API: create, read, update, cancel, per role, and the refusals SPEC.md asks for."""

import pytest

from tests.events.conftest import event_body, instant
from tests.fixtures import detail_of

EVENT_FIELDS = {
    "id",
    "uid",
    "title",
    "kind",
    "campaign_id",
    "branch_id",
    "venue",
    "starts_at",
    "ends_at",
    "timezone",
    "rrule",
    "exdates",
    "capacity",
    "languages",
    "audiences",
    "host",
    "description",
    "status",
    "visibility",
    "sequence",
    "travel_km",
    "remote_area",
    "created_at",
    "updated_at",
}


async def test_coordinator_creates_and_reads_an_event(client, world):
    body = event_body(
        capacity=80, languages=["zh", "lis"], audiences=["elderly", "rural"], host="和丽芳"
    )
    created = await client.post("/api/events", json=body, headers=world.auth("coord"))
    assert created.status_code == 201, created.text
    event = created.json()
    assert set(event) == EVENT_FIELDS
    assert event["uid"].endswith("@fangzha")
    assert event["branch_id"] == world.branches["NJ"]
    assert event["starts_at"] == "2025-03-14T10:00:00+08:00"
    assert event["timezone"] == "Asia/Shanghai"
    assert event["venue"] == {
        "name": "六库支行营业厅",
        "address": "向阳路",
        "venue_type": "branch_hall",
    }
    assert event["sequence"] == 0
    assert event["status"] == "scheduled"
    assert event["languages"] == ["zh", "lis"]
    read = await client.get(f"/api/events/{event['id']}")
    assert read.status_code == 200
    assert read.json() == event


async def test_times_are_shown_in_the_events_own_zone(client, world):
    body = event_body(
        starts_at="2025-07-01T08:00:00Z", ends_at="2025-07-01T09:00:00Z", timezone="Europe/Berlin"
    )
    created = await client.post("/api/events", json=body, headers=world.auth("coord"))
    assert created.status_code == 201, created.text
    assert created.json()["starts_at"] == "2025-07-01T10:00:00+02:00"
    assert created.json()["ends_at"] == "2025-07-01T11:00:00+02:00"


async def test_a_given_uid_is_kept_and_never_duplicated(client, world, api):
    event = await api.create_event(uid="imported-42@example.org")
    assert event["uid"] == "imported-42@example.org"
    again = await client.post(
        "/api/events",
        json=event_body(uid="imported-42@example.org", venue={"name": "别处"}),
        headers=world.auth("coord"),
    )
    assert again.status_code == 409
    patched = await client.patch(
        f"/api/events/{event['id']}", json={"uid": "other@x"}, headers=world.auth("coord")
    )
    assert patched.status_code == 400  # uid is not a field one may change


@pytest.mark.parametrize(
    ("user", "branch", "status"),
    [
        (None, "NJ", 401),
        ("staff_lk", "NJ-LK", 403),
        ("coord_lk", "NJ-LS", 403),
        ("coord_lk", "NJ", 403),
        ("coord_lk", "NJ-LK-A", 201),
        ("coord", "NJ-LS", 201),
        ("admin", "NJ-LS", 201),
    ],
)
async def test_who_may_create_where(client, world, user, branch, status):
    headers = world.auth(user) if user else {}
    body = event_body(branch_id=world.branches[branch])
    response = await client.post("/api/events", json=body, headers=headers)
    assert response.status_code == status, response.text
    assert detail_of(response) if status != 201 else response.json()["id"]


async def test_edit_and_cancel_only_inside_the_subtree(client, world, api):
    ls_event = await api.create_event(branch_id=world.branches["NJ-LS"])
    internal = await api.create_event(
        branch_id=world.branches["NJ-LS"], visibility="internal", venue={"name": "内部会议室"}
    )
    lk = world.auth("coord_lk")
    assert (
        await client.patch(f"/api/events/{ls_event['id']}", json={"title": "x"}, headers=lk)
    ).status_code == 403
    assert (
        await client.post(f"/api/events/{ls_event['id']}/cancel", json={}, headers=lk)
    ).status_code == 403
    # An internal event of another subtree is not even acknowledged.
    assert (
        await client.patch(f"/api/events/{internal['id']}", json={"title": "x"}, headers=lk)
    ).status_code == 404
    staff = world.auth("staff_ls")
    assert (
        await client.patch(f"/api/events/{ls_event['id']}", json={"title": "x"}, headers=staff)
    ).status_code == 403
    unchanged = await client.get(f"/api/events/{ls_event['id']}")
    assert unchanged.json()["title"] == ls_event["title"]


async def test_cancel_keeps_the_event_with_status_cancelled(client, world, api):
    event = await api.create_event()
    cancelled = await client.post(
        f"/api/events/{event['id']}/cancel", json={"reason": "暴雨"}, headers=world.auth("coord")
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["sequence"] == event["sequence"] + 1
    assert cancelled.json()["uid"] == event["uid"]
    read = await client.get(f"/api/events/{event['id']}")
    assert read.status_code == 200
    assert read.json()["status"] == "cancelled"
    again = await client.post(
        f"/api/events/{event['id']}/cancel", json={"reason": "暴雨"}, headers=world.auth("coord")
    )
    assert again.json()["sequence"] == cancelled.json()["sequence"]
    # A cancelled event no longer blocks its slot.
    await api.create_event(title="改期讲座")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ends_at": "2025-03-14T09:00:00+08:00"}, "ends_at must be after starts_at"),
        ({"ends_at": "2025-03-14T10:00:00+08:00"}, "ends_at must be after starts_at"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"timezone": "../../etc/passwd"}, "time zone"),
        ({"rrule": "FREQ=SOMETIMES"}, "FREQ"),
        ({"rrule": "FREQ=WEEKLY;COUNT=x"}, "COUNT"),
        ({"rrule": "DTSTART:20250101T000000Z\nRRULE:FREQ=DAILY"}, "only the RRULE value"),
        ({"rrule": "FREQ=WEEKLY;DTSTART=20250101"}, "only the RRULE value"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, "not an occurrence"),
        ({"rrule": "FREQ=WEEKLY;COUNT=3;UNTIL=20250601T000000Z"}, "COUNT or UNTIL"),
        ({"rrule": "FREQ=MINUTELY"}, "FREQ"),
        ({"exdates": ["2025-03-14T10:00:00+08:00"]}, "repeating"),
        (
            {"rrule": "FREQ=WEEKLY;COUNT=3", "exdates": ["2025-03-15T10:00:00+08:00"]},
            "not an occurrence",
        ),
        (
            {"starts_at": "1900-03-14T10:00:00+08:00", "ends_at": "1900-03-14T11:00:00+08:00"},
            "between the years",
        ),
        ({"campaign_id": 999999}, "Campaign 999999"),
        ({"branch_id": 999999}, "Branch 999999"),
    ],
)
async def test_bad_schedules_are_refused_with_a_clear_422(client, world, change, words):
    response = await client.post(
        "/api/events", json=event_body(**change), headers=world.auth("admin")
    )
    assert response.status_code == 422, response.text
    assert words in detail_of(response)
    assert (await client.get("/api/events", headers=world.auth("admin"))).json()["total"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "party"},
        {"starts_at": "2025-03-14T10:00:00"},  # no offset: ambiguous
        {"starts_at": "tomorrow"},
        {"capacity": -1},
        {"title": ""},
        {"title": "x" * 301},
        {"audiences": ["aliens"]},
        {"venue": {"name": "x", "venue_type": "castle"}},
        {"status": "cancelled"},
        {"surprise": 1},
    ],
)
async def test_malformed_bodies_are_400(client, world, change):
    response = await client.post(
        "/api/events", json=event_body(**change), headers=world.auth("admin")
    )
    assert response.status_code == 400, response.text
    assert detail_of(response)


async def test_unknown_event_is_404(client, world):
    for path in ("/api/events/424242", "/api/events/424242/attendance"):
        response = await client.get(path, headers=world.auth("admin"))
        assert response.status_code == 404
        assert "424242" in detail_of(response)
    patch = await client.patch(
        "/api/events/424242", json={"title": "x"}, headers=world.auth("admin")
    )
    assert patch.status_code == 404


async def test_drafts_are_invisible_to_public_and_to_other_subtrees(client, world, api):
    draft = await api.create_event(status="draft", branch_id=world.branches["NJ-LK"])
    assert (await client.get(f"/api/events/{draft['id']}")).status_code == 404
    assert (
        await client.get(f"/api/events/{draft['id']}", headers=world.auth("staff_ls"))
    ).status_code == 404
    assert (
        await client.get(f"/api/events/{draft['id']}", headers=world.auth("staff_lka"))
    ).status_code == 404
    assert (
        await client.get(f"/api/events/{draft['id']}", headers=world.auth("staff_lk"))
    ).status_code == 200
    published = await client.patch(
        f"/api/events/{draft['id']}", json={"status": "scheduled"}, headers=world.auth("coord_lk")
    )
    assert published.status_code == 200
    assert (await client.get(f"/api/events/{draft['id']}")).status_code == 200


async def test_patch_moves_the_event_and_keeps_uid(client, world, api):
    event = await api.create_event(rrule="FREQ=WEEKLY;COUNT=4")
    moved = await client.patch(
        f"/api/events/{event['id']}",
        json={
            "starts_at": "2025-03-15T14:00:00+08:00",
            "ends_at": "2025-03-15T15:00:00+08:00",
            "venue": {"name": "泸水市支行", "venue_type": "branch_hall"},
            "capacity": None,
        },
        headers=world.auth("coord"),
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["uid"] == event["uid"]
    assert body["starts_at"] == "2025-03-15T14:00:00+08:00"
    assert body["venue"]["name"] == "泸水市支行"
    assert instant(body["updated_at"]) > instant(event["updated_at"])
    dropped = await client.patch(
        f"/api/events/{event['id']}", json={"rrule": None}, headers=world.auth("coord")
    )
    assert dropped.json()["rrule"] is None
    assert dropped.json()["exdates"] == []


async def test_cancel_without_a_body_and_defaults(client, world):
    body = event_body()
    del body["kind"], body["status"], body["venue"]
    created = await client.post("/api/events", json=body, headers=world.auth("coord"))
    assert created.status_code == 201, created.text
    assert (created.json()["kind"], created.json()["status"]) == ("other", "scheduled")
    assert created.json()["venue"] == {"name": "", "address": "", "venue_type": "other"}
    cancelled = await client.post(
        f"/api/events/{created.json()['id']}/cancel", headers=world.auth("coord")
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


async def test_out_of_range_ids_and_times_are_4xx(client, world):
    headers = world.auth("admin")
    assert (await client.get("/api/events/99999999999", headers=headers)).status_code == 400
    far = event_body(starts_at="0001-01-01T00:00:00+14:00", ends_at="9999-12-31T23:00:00-12:00")
    response = await client.post("/api/events", json=far, headers=headers)
    assert response.status_code == 422
    assert detail_of(response)
    series = await client.post("/api/events", json=event_body(rrule="FREQ=DAILY"), headers=headers)
    record = await client.put(
        f"/api/events/{series.json()['id']}/attendance",
        json={"occurrence_start": "9999-12-31T10:00:00+08:00", "headcount": 1},
        headers=headers,
    )
    assert record.status_code == 422
    exdate = await client.patch(
        f"/api/events/{series.json()['id']}",
        json={"exdates": ["9999-12-31T10:00:00+08:00"]},
        headers=headers,
    )
    assert exdate.status_code == 422
