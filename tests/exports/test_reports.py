"""Summary, per-event report and campaign progress: one set of numbers, scoped by branch."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.events.conftest import Api

_REFS = itertools.count(1)
WINDOW = {"from": "2025-01-01", "to": "2026-01-01"}


async def _interception(
    world: Any,
    branch: str,
    status: str,
    amount_fen: int,
    event_id: int | None = None,
    when: str = "2025-03-20",
) -> None:
    from interceptions.tables import Interception

    stamp = datetime.fromisoformat(f"{when}T03:00:00+00:00")
    await Interception.insert(
        Interception(
            client_ref=f"report-{next(_REFS)}",
            occurred_at=stamp,
            branch=world.branches[branch],
            logged_by=world.users["staff_lk"],
            channel="counter",
            fraud_type="fake_investment" if amount_fen > 10000 else "order_brushing",
            amount_saved_fen=amount_fen,
            victim_age_band="60_plus",
            event=event_id,
            status=status,
            created_at=stamp,
            updated_at=stamp,
        )
    )


@pytest.fixture
async def seeded(client, world):
    api = Api(client, world)
    campaign = await api.create_campaign(
        goals={"events": 8, "attendees": 100, "interceptions": 4, "amount_saved": "1000.00"}
    )
    lecture = await api.create_event(campaign_id=campaign["id"], branch_id=world.branches["NJ-LK"])
    salon = await api.create_event(
        title="厅堂微沙龙",
        kind="salon",
        branch_id=world.branches["NJ-LS"],
        starts_at="2025-03-03T15:00:00+08:00",
        ends_at="2025-03-03T16:00:00+08:00",
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2025-03-10T15:00:00+08:00"],
        venue={"name": "泸水大厅"},
    )
    await api.create_event(title="草稿", status="draft", venue={"name": "a"})
    cancelled = await api.create_event(title="取消", venue={"name": "b"})
    await client.post(f"/api/events/{cancelled['id']}/cancel", json={}, headers=world.auth("coord"))
    soon = datetime.now(UTC) + timedelta(days=3)
    await api.create_event(
        title="未来",
        campaign_id=campaign["id"],
        venue={"name": "c"},
        starts_at=soon.isoformat(),
        ends_at=(soon + timedelta(hours=1)).isoformat(),
    )
    for event, start, people in (
        (lecture, lecture["starts_at"], 40),
        (salon, "2025-03-03T15:00:00+08:00", 20),
    ):
        response = await client.put(
            f"/api/events/{event['id']}/attendance",
            json={"occurrence_start": start, "headcount": people},
            headers=world.auth("admin"),
        )
        assert response.status_code == 200, response.text
    await _interception(world, "NJ-LK", "verified", 10050, lecture["id"])
    await _interception(world, "NJ-LS", "verified", 20000, when="2025-04-02")
    await _interception(world, "NJ-LK", "logged", 5000, lecture["id"])
    await _interception(world, "NJ-LK", "rejected", 999900, lecture["id"])
    await _interception(world, "NJ-LK", "verified", 70000, when="2024-12-01")
    return campaign, lecture, salon


async def test_summary_counts_occurrences_and_interceptions(client, world, seeded):
    response = await client.get("/api/reports/summary", params=WINDOW, headers=world.auth("admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["events"]["held"] == 4
    assert body["events"]["by_kind"]["lecture"] == 1
    assert body["events"]["by_kind"]["salon"] == 3
    assert body["attendees"] == 60
    assert body["interceptions"] == {
        "verified": 2,
        "pending": 1,
        "amount_saved": "300.50",
        "amount_pending": "50.00",
    }
    by_type = {row["fraud_type"]: row for row in body["by_fraud_type"]}
    assert by_type["fake_investment"]["amount_saved"] == "300.50"
    assert by_type["order_brushing"]["pending"] == 1
    assert [(r["month"], r["verified"]) for r in body["by_month"]] == [
        ("2025-03", 1),
        ("2025-04", 1),
    ]
    by_branch = {row["code"]: row for row in body["by_branch"]}
    assert by_branch["NJ-LS"]["amount_saved"] == "200.00"
    assert body["by_age_band"][0]["victim_age_band"] == "60_plus"


async def test_summary_is_scoped_to_branch_and_caller(client, world, seeded):
    ls = await client.get(
        "/api/reports/summary", params={**WINDOW, "branch": "NJ-LS"}, headers=world.auth("admin")
    )
    assert ls.json()["events"]["held"] == 3
    assert ls.json()["interceptions"]["verified"] == 1
    mine = await client.get("/api/reports/summary", params=WINDOW, headers=world.auth("staff_ls"))
    assert mine.status_code == 200
    assert mine.json() == ls.json()
    outside = await client.get(
        "/api/reports/summary", params={**WINDOW, "branch": "NJ-LK"}, headers=world.auth("staff_ls")
    )
    assert outside.json()["events"]["held"] == 0
    assert outside.json()["interceptions"]["verified"] == 0
    assert (await client.get("/api/reports/summary", params=WINDOW)).status_code == 401


async def test_campaign_progress_uses_the_same_numbers(client, world, seeded):
    campaign, _, _ = seeded
    progress = await client.get(
        f"/api/campaigns/{campaign['id']}/progress", headers=world.auth("coord")
    )
    assert progress.status_code == 200, progress.text
    body = progress.json()
    assert body["actuals"] == {
        "events": 1,
        "attendees": 40,
        "interceptions": 1,
        "interceptions_pending": 1,
        "amount_saved": "100.50",
        "amount_pending": "50.00",
    }
    assert body["goals"]["amount_saved"] == "1000.00"
    assert body["percent"] == {
        "events": 12.5,
        "attendees": 40.0,
        "interceptions": 25.0,
        "amount_saved": 10.1,
    }
    summary = await client.get(
        "/api/reports/summary", params={"campaign": campaign["id"]}, headers=world.auth("coord")
    )
    assert summary.json()["events"]["held"] == body["actuals"]["events"]
    assert summary.json()["attendees"] == body["actuals"]["attendees"]
    assert summary.json()["interceptions"]["amount_saved"] == body["actuals"]["amount_saved"]
    # A campaign run from the root is read below it, counting only the reader's subtree.
    ls = await client.get(
        f"/api/campaigns/{campaign['id']}/progress", headers=world.auth("staff_ls")
    )
    assert ls.status_code == 200
    assert ls.json()["actuals"]["events"] == 0
    assert ls.json()["actuals"]["amount_saved"] == "0.00"
    local = await Api(client, world).create_campaign(
        user="coord_lk", branch_id=world.branches["NJ-LK"]
    )
    hidden = await client.get(
        f"/api/campaigns/{local['id']}/progress", headers=world.auth("staff_ls")
    )
    assert hidden.status_code == 404


async def test_per_event_report(client, world, seeded):
    _, lecture, salon = seeded
    response = await client.get(
        "/api/reports/events", params={**WINDOW, "limit": 50}, headers=world.auth("admin")
    )
    assert response.status_code == 200, response.text
    rows = {row["event_id"]: row for row in response.json()["items"]}
    assert rows[lecture["id"]]["occurrences_held"] == 1
    assert rows[lecture["id"]]["attendees"] == 40
    assert rows[lecture["id"]]["interceptions"] == 1
    assert rows[lecture["id"]]["interceptions_pending"] == 1
    assert rows[lecture["id"]]["amount_saved"] == "100.50"
    assert rows[salon["id"]]["occurrences_held"] == 3
    assert rows[salon["id"]]["interceptions"] == 0
    bad = await client.get(
        "/api/reports/events",
        params={"from": "2025-02-01", "to": "2025-01-01"},
        headers=world.auth("admin"),
    )
    assert bad.status_code == 422
