"""Event list filters and pagination."""

from typing import Any


async def _seed(api: Any, world: Any) -> Any:
    campaign = await api.create_campaign()
    events = {
        "march": await api.create_event(
            title="三月讲座",
            campaign_id=campaign["id"],
            branch_id=world.branches["NJ-LK-A"],
            host="Zhang San",
        ),
        "april": await api.create_event(
            title="四月沙龙",
            kind="salon",
            branch_id=world.branches["NJ-LS"],
            starts_at="2025-04-10T10:00:00+08:00",
            ends_at="2025-04-10T11:00:00+08:00",
            venue={"name": "泸水 100% 安全课堂", "venue_type": "community"},
        ),
        "series": await api.create_event(
            title="每周反诈课",
            branch_id=world.branches["NJ-LK"],
            rrule="FREQ=WEEKLY",
            starts_at="2025-01-06T19:00:00+08:00",
            ends_at="2025-01-06T20:00:00+08:00",
            venue={"name": "向阳社区活动室"},
        ),
        "draft": await api.create_event(
            title="草稿",
            status="draft",
            starts_at="2025-05-01T10:00:00+08:00",
            ends_at="2025-05-01T11:00:00+08:00",
        ),
    }
    return campaign, events


async def _titles(client: Any, world: Any, **params: Any) -> list[str]:
    response = await client.get("/api/events", params=params, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    return sorted(e["title"] for e in response.json()["items"])


async def test_filters(client, world, api):
    campaign, _ = await _seed(api, world)
    assert await _titles(client, world, branch="NJ-LK") == ["三月讲座", "每周反诈课"]
    assert await _titles(client, world, branch="NJ-LS") == ["四月沙龙"]
    assert await _titles(client, world, campaign=campaign["id"]) == ["三月讲座"]
    assert await _titles(client, world, kind="salon") == ["四月沙龙"]
    assert await _titles(client, world, status="draft") == ["草稿"]
    window = {"from": "2025-04-01", "to": "2025-04-30"}
    # The open-ended weekly series overlaps every window after its start.
    assert await _titles(client, world, **window) == ["四月沙龙", "每周反诈课"]
    assert await _titles(client, world, to="2025-02-01") == ["每周反诈课"]
    assert await _titles(client, world, **{"from": "2025-04-30T00:00:00+08:00"}) == [
        "每周反诈课",
        "草稿",
    ]


async def test_text_search_covers_title_venue_and_host(client, world, api):
    await _seed(api, world)
    assert await _titles(client, world, q="讲座") == ["三月讲座"]
    assert await _titles(client, world, q="社区活动") == ["每周反诈课"]
    assert await _titles(client, world, q="zhang") == ["三月讲座"]
    assert await _titles(client, world, q="100%") == ["四月沙龙"]
    assert await _titles(client, world, q="%") == ["四月沙龙"]
    assert await _titles(client, world, q="_") == []
    assert await _titles(client, world, q="'; DROP TABLE event; --") == []


async def test_pagination_and_bad_filters(client, world, api):
    await _seed(api, world)
    headers = world.auth("admin")
    page = await client.get("/api/events", params={"limit": 2, "offset": 1}, headers=headers)
    body = page.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (4, 2, 1, 2)
    everything = await client.get("/api/events", headers=headers)
    assert [e["id"] for e in everything.json()["items"][1:3]] == [e["id"] for e in body["items"]]
    for params in ({"limit": 0}, {"limit": 100000}, {"kind": "party"}, {"campaign": "x"}):
        response = await client.get("/api/events", params=params, headers=headers)
        assert response.status_code == 400, params
    for params in ({"branch": "NOPE"}, {"from": "yesterday"}, {"to": "2025-13-45"}):
        response = await client.get("/api/events", params=params, headers=headers)
        assert response.status_code == 422, params
        assert response.json()["detail"]


async def test_a_window_that_ends_before_it_starts_is_refused(client, world):
    for path in ("/api/events", "/api/reports/summary", "/api/exports/events.csv"):
        response = await client.get(
            path, params={"from": "2025-06-01", "to": "2025-05-01"}, headers=world.auth("coord")
        )
        assert response.status_code == 422, path
        assert response.json()["detail"] == "`to` must be after `from`."
