"""compare=previous_year: the same figures for the period a year before, beside the current."""

from datetime import UTC, datetime

import pytest

from tests.events.conftest import Api
from tests.exports.reports_data import Row, insert_rows


def _row(world, when: str, fen: int, status: str = "verified", branch: str = "NJ-LK") -> Row:
    return Row(
        datetime.fromisoformat(when).astimezone(UTC),
        world.branches[branch],
        status,
        "fake_investment",
        "counter",
        "60_plus",
        fen,
    )


@pytest.fixture
async def two_years(client, world):
    api = Api(client, world)
    await insert_rows(
        [
            _row(world, "2024-01-01T00:00:00+08:00", 70000),  # first moment of 2024
            _row(world, "2024-05-20T10:00:00+08:00", 5000, status="logged"),
            _row(world, "2024-12-31T23:59:00+08:00", 100, branch="NJ-LS"),
            _row(world, "2025-01-01T00:00:00+08:00", 860000_00),
            _row(world, "2025-05-21T10:00:00+08:00", 300),
            _row(world, "2026-01-01T00:00:00+08:00", 9),  # the year after: in neither
        ],
        world.users["staff_lk"],
    )
    await api.create_event(
        starts_at="2024-03-14T10:00:00+08:00", ends_at="2024-03-14T11:00:00+08:00"
    )
    await api.create_event(
        starts_at="2025-03-14T10:00:00+08:00",
        ends_at="2025-03-14T11:00:00+08:00",
        rrule="FREQ=WEEKLY;COUNT=2",
        venue={"name": "另一处"},
    )


async def test_a_year_compares_with_the_year_before(client, world, two_years):
    headers = world.auth("admin")
    response = await client.get(
        "/api/reports/summary",
        params={"from": "2025-01-01", "to": "2025-12-31", "compare": "previous_year"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interceptions"]["verified"] == 2
    assert body["interceptions"]["amount_saved"] == "860003.00"
    assert body["events"]["held"] == 2
    previous = body["previous"]
    assert previous["interceptions"] == {
        "verified": 2,
        "pending": 1,
        "amount_saved": "701.00",
        "amount_pending": "50.00",
    }
    assert previous["events"]["held"] == 1
    assert [m["month"] for m in previous["by_month"]] == ["2024-01", "2024-05", "2024-12"]
    assert "previous" not in previous
    # The same object as asking for 2024 itself.
    alone = await client.get(
        "/api/reports/summary", params={"from": "2024-01-01", "to": "2024-12-31"}, headers=headers
    )
    assert alone.json() == previous
    plain = await client.get(
        "/api/reports/summary", params={"from": "2025-01-01", "to": "2025-12-31"}, headers=headers
    )
    assert "previous" not in plain.json()


async def test_a_quarter_compares_with_the_same_quarter_and_staff_see_their_subtree(
    client, world, two_years
):
    response = await client.get(
        "/api/reports/summary",
        params={"from": "2025-04-01", "to": "2025-06-30", "compare": "previous_year"},
        headers=world.auth("staff_lk"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interceptions"]["amount_saved"] == "3.00"
    assert body["previous"]["interceptions"]["pending"] == 1
    assert body["previous"]["interceptions"]["verified"] == 0
    # Two years at once compare with the two years before them.
    wide = await client.get(
        "/api/reports/summary",
        params={"from": "2024-01-01", "to": "2025-12-31", "compare": "previous_year"},
        headers=world.auth("admin"),
    )
    assert wide.json()["interceptions"]["verified"] == 4
    assert wide.json()["previous"]["interceptions"]["verified"] == 0


async def test_compare_needs_a_start_and_a_known_value(client, world, two_years, time_machine):
    headers = world.auth("admin")
    missing = await client.get(
        "/api/reports/summary", params={"compare": "previous_year"}, headers=headers
    )
    assert missing.status_code == 422
    assert "from" in missing.json()["detail"]
    unknown = await client.get(
        "/api/reports/summary",
        params={"from": "2025-01-01", "compare": "last_decade"},
        headers=headers,
    )
    assert unknown.status_code == 400
    # Without `to` the window ends now; the comparison is the same span whole years
    # earlier, never overlapping the window itself: 2023-01-01 up to 2024-03-01.
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=UTC), tick=True)
    open_ended = await client.get(
        "/api/reports/summary",
        params={"from": "2025-01-01", "compare": "previous_year"},
        headers=headers,
    )
    assert open_ended.status_code == 200, open_ended.text
    body = open_ended.json()
    assert body["interceptions"]["verified"] == 3
    assert all(m["month"] < "2025-01" for m in body["previous"]["by_month"])
    assert body["previous"]["interceptions"]["verified"] == 1  # 2024-01-01 alone
