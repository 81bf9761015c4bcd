"""The three "Must show" items of issue 3, through the API."""

from datetime import UTC, datetime, timedelta

from tests.events.conftest import event_body


async def test_weekly_series_expands_and_a_clash_names_the_first(client, world, api):
    campaign = await api.create_campaign(user="coord_lk")
    series = await api.create_event(
        user="coord_lk",
        title="反诈讲座系列",
        campaign_id=campaign["id"],
        branch_id=world.branches["NJ-LK"],
        starts_at="2025-05-06T10:00:00+08:00",
        ends_at="2025-05-06T11:30:00+08:00",
        rrule="FREQ=WEEKLY;COUNT=6",
    )
    response = await client.get(
        "/api/occurrences",
        params={"from": "2025-05-01T00:00:00+08:00", "to": "2025-07-01T00:00:00+08:00"},
    )
    assert response.status_code == 200, response.text
    mine = [o for o in response.json()["items"] if o["event_id"] == series["id"]]
    assert [o["starts_at"] for o in mine] == [
        f"2025-{day}T10:00:00+08:00"
        for day in ("05-06", "05-13", "05-20", "05-27", "06-03", "06-10")
    ]
    assert all(o["ends_at"].endswith("T11:30:00+08:00") for o in mine)

    clash = await client.post(
        "/api/events",
        json=event_body(
            title="另一场讲座",
            branch_id=world.branches["NJ-LK"],
            venue={"name": "  六库支行营业厅 ", "venue_type": "branch_hall"},
            starts_at="2025-05-20T11:00:00+08:00",
            ends_at="2025-05-20T12:00:00+08:00",
        ),
        headers=world.auth("coord_lk"),
    )
    assert clash.status_code == 409
    assert "反诈讲座系列" in clash.json()["detail"]
    assert [e["id"] for e in clash.json()["extra"]] == [series["id"]]
    assert clash.json()["extra"][0]["title"] == "反诈讲座系列"
    assert clash.json()["extra"][0]["starts_at"] == "2025-05-06T10:00:00+08:00"


async def test_attendance_refused_for_future_or_overfull_then_counted_in_progress(
    client, world, api
):
    campaign = await api.create_campaign(goals={"attendees": 100, "events": 2})
    now = datetime.now(UTC).replace(microsecond=0)
    past = now - timedelta(days=1)
    future = now + timedelta(days=2)
    held = await api.create_event(
        campaign_id=campaign["id"],
        branch_id=world.branches["NJ-LK"],
        starts_at=past.isoformat(),
        ends_at=(past + timedelta(hours=1)).isoformat(),
    )
    coming = await api.create_event(
        campaign_id=campaign["id"],
        branch_id=world.branches["NJ-LK"],
        starts_at=future.isoformat(),
        ends_at=(future + timedelta(hours=1)).isoformat(),
        venue={"name": "其他地点"},
    )
    headers = world.auth("staff_lk")
    too_early = await client.put(
        f"/api/events/{coming['id']}/attendance",
        json={"occurrence_start": coming["starts_at"], "headcount": 10},
        headers=headers,
    )
    assert too_early.status_code == 422
    assert "not started" in too_early.json()["detail"]
    overfull = await client.put(
        f"/api/events/{held['id']}/attendance",
        json={
            "occurrence_start": held["starts_at"],
            "headcount": 10,
            "by_audience": {"elderly": 8, "students": 5},
        },
        headers=headers,
    )
    assert overfull.status_code == 422
    assert "headcount" in overfull.json()["detail"]

    good = await client.put(
        f"/api/events/{held['id']}/attendance",
        json={
            "occurrence_start": held["starts_at"],
            "headcount": 40,
            "by_audience": {"elderly": 25, "students": 10},
            "materials_distributed": 80,
            "app_installs": 12,
        },
        headers=headers,
    )
    assert good.status_code == 200, good.text
    progress = await client.get(
        f"/api/campaigns/{campaign['id']}/progress", headers=world.auth("coord")
    )
    assert progress.status_code == 200, progress.text
    body = progress.json()
    assert body["actuals"]["attendees"] == 40
    assert body["actuals"]["events"] == 1
    assert body["goals"]["attendees"] == 100
    assert body["percent"]["attendees"] == 40.0
    assert body["percent"]["events"] == 50.0


async def test_public_list_shows_no_draft_or_internal_event(client, world, api):
    public = await api.create_event(title="公开讲座")
    await api.create_event(
        title="草稿讲座",
        status="draft",
        starts_at="2025-03-15T10:00:00+08:00",
        ends_at="2025-03-15T11:00:00+08:00",
    )
    await api.create_event(
        title="内部培训",
        visibility="internal",
        starts_at="2025-03-16T10:00:00+08:00",
        ends_at="2025-03-16T11:00:00+08:00",
    )
    response = await client.get("/api/events")
    assert response.status_code == 200
    body = response.json()
    assert [e["title"] for e in body["items"]] == ["公开讲座"]
    assert body["total"] == 1
    assert body["items"][0]["id"] == public["id"]
    for title in ("草稿", "内部"):
        searched = await client.get("/api/events", params={"q": title})
        assert searched.json()["items"] == []
    occurrences = await client.get(
        "/api/occurrences", params={"from": "2025-03-01", "to": "2025-04-01"}
    )
    assert [o["title"] for o in occurrences.json()["items"]] == ["公开讲座"]
    # Signed-in users also see drafts and internal events, but only of their own subtree.
    own = await client.get("/api/events", headers=world.auth("coord"))
    assert own.json()["total"] == 3
    other = await client.get("/api/events", headers=world.auth("staff_lk"))
    assert [e["title"] for e in other.json()["items"]] == ["公开讲座"]
