"""Attendance per occurrence: the rules of SPEC.md and who may record it."""

from typing import Any

import pytest

from tests.fixtures import detail_of


@pytest.fixture
async def series(api, world):
    return await api.create_event(
        branch_id=world.branches["NJ-LK"],
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2025-03-21T10:00:00+08:00"],
    )


def _record(start: str, **extra: Any) -> dict[str, Any]:
    return {"occurrence_start": start, "headcount": 30, **extra}


async def test_put_upserts_one_record_per_occurrence(client, world, series):
    url = f"/api/events/{series['id']}/attendance"
    headers = world.auth("staff_lka")
    first = await client.put(
        url,
        json=_record("2025-03-14T10:00:00+08:00", by_audience={"elderly": 20}, notes="傈僳语讲解"),
        headers=world.auth("staff_lk"),
    )
    assert first.status_code == 200, first.text
    assert first.json()["occurrence_start"] == "2025-03-14T10:00:00+08:00"
    assert first.json()["recorded_by"] == world.users["staff_lk"]
    # The same occurrence written as UTC is the same record.
    second = await client.put(
        url, json=_record("2025-03-14T02:00:00Z", headcount=45), headers=world.auth("coord")
    )
    assert second.status_code == 200
    third = await client.put(url, json=_record("2025-03-28T10:00:00+08:00"), headers=headers)
    assert third.status_code == 403  # NJ-LK-A staff do not record NJ-LK events
    listed = await client.get(url, headers=world.auth("staff_lk"))
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    item = listed.json()["items"][0]
    assert item["headcount"] == 45
    assert item["by_audience"] == {}
    assert item["recorded_by"] == world.users["coord"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (_record("2025-03-14T10:30:00+08:00"), "not a start"),
        (_record("2025-03-21T10:00:00+08:00"), "cancelled"),
        (_record("2025-04-11T10:00:00+08:00"), "not a start"),
        (_record("2025-03-14T10:00:00+08:00", by_audience={"elderly": 20, "rural": 11}), "30"),
    ],
)
async def test_refused_records(client, world, series, body, words):
    url = f"/api/events/{series['id']}/attendance"
    response = await client.put(url, json=body, headers=world.auth("staff_lk"))
    assert response.status_code == 422, response.text
    assert words in detail_of(response)
    assert (await client.get(url, headers=world.auth("staff_lk"))).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [
        _record("2025-03-14T10:00:00+08:00", headcount=-1),
        _record("2025-03-14T10:00:00+08:00", by_audience={"aliens": 1}),
        _record("2025-03-14T10:00:00+08:00", by_audience={"elderly": -2}),
        _record("2025-03-14T10:00:00+08:00", materials_distributed=-5),
        {"headcount": 3},
        _record("not a time"),
    ],
)
async def test_malformed_records_are_400(client, world, series, body):
    url = f"/api/events/{series['id']}/attendance"
    response = await client.put(url, json=body, headers=world.auth("staff_lk"))
    assert response.status_code == 400, response.text


async def test_other_branches_and_the_public_cannot_record(client, world, api, series):
    url = f"/api/events/{series['id']}/attendance"
    body = _record("2025-03-14T10:00:00+08:00")
    assert (await client.put(url, json=body)).status_code == 401
    assert (await client.get(url)).status_code == 401
    assert (await client.put(url, json=body, headers=world.auth("staff_ls"))).status_code == 403
    internal = await api.create_event(
        branch_id=world.branches["NJ-LK"], visibility="internal", venue={"name": "内部"}
    )
    hidden = await client.put(
        f"/api/events/{internal['id']}/attendance", json=body, headers=world.auth("staff_ls")
    )
    assert hidden.status_code == 404


async def test_no_attendance_for_cancelled_or_draft_events(client, world, api, series):
    draft = await api.create_event(status="draft", venue={"name": "草稿地点"})
    response = await client.put(
        f"/api/events/{draft['id']}/attendance",
        json=_record(draft["starts_at"]),
        headers=world.auth("coord"),
    )
    assert response.status_code == 422
    assert "draft" in detail_of(response)
    await client.post(f"/api/events/{series['id']}/cancel", json={}, headers=world.auth("coord"))
    cancelled = await client.put(
        f"/api/events/{series['id']}/attendance",
        json=_record("2025-03-14T10:00:00+08:00"),
        headers=world.auth("staff_lk"),
    )
    assert cancelled.status_code == 422
    assert "cancelled" in detail_of(cancelled)
