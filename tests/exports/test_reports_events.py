"""GET /api/reports/events: one row per event, sorted by any column and paged in SQL."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.events.conftest import Api
from tests.exports.reports_data import Row, insert_rows

# title, start, rule, attendance per occurrence, interceptions (status, fen)
EVENTS = [
    ("甲 讲座", "2025-02-03T10:00:00+08:00", None, [40], [("verified", 10000)]),
    ("乙 沙龙", "2025-02-04T10:00:00+08:00", None, [10], [("verified", 30000)]),
    ("丙 进社区", "2025-02-05T10:00:00+08:00", None, [], [("verified", 50000)]),
    ("丁 系列", "2025-02-06T10:00:00+08:00", "FREQ=WEEKLY;COUNT=3", [15, 15], [("logged", 700)]),
    ("戊 进校园", "2025-02-07T10:00:00+08:00", None, [40], [("verified", 5000)] * 2),
    ("己 取消", "2025-02-08T10:00:00+08:00", None, [], [("verified", 1), ("rejected", 99)]),
]
# What each row must show, by title: held, attendees, interceptions, fen, per attendee.
EXPECTED = {
    "甲 讲座": (1, 40, 1, 10000, "2.50"),
    "乙 沙龙": (1, 10, 1, 30000, "30.00"),
    "丙 进社区": (1, 0, 1, 50000, None),
    "丁 系列": (3, 30, 0, 0, "0.00"),
    "戊 进校园": (1, 40, 2, 10000, "2.50"),
    "己 取消": (0, 0, 1, 1, None),
}
COLUMN = {
    "occurrences_held": 0,
    "attendees": 1,
    "interceptions": 2,
    "amount_saved": 3,
}


@pytest.fixture
async def impact(client, world) -> dict[str, int]:
    api = Api(client, world)
    ids: dict[str, int] = {}
    rows: list[Row] = []
    for number, (title, start, rule, people, caught) in enumerate(EVENTS):
        event = await api.create_event(
            title=title,
            starts_at=start,
            ends_at=start.replace("10:00", "11:00"),
            rrule=rule,
            venue={"name": f"地点{number}"},
        )
        ids[title] = event["id"]
        for week, headcount in enumerate(people):
            day = int(start[8:10]) + 7 * week
            response = await client.put(
                f"/api/events/{event['id']}/attendance",
                json={
                    "occurrence_start": f"2025-02-{day:02d}{start[10:]}",
                    "headcount": headcount,
                },
                headers=world.auth("admin"),
            )
            assert response.status_code == 200, response.text
        rows += [
            Row(
                datetime(2025, 3, 1, tzinfo=UTC),
                world.branches["NJ"],
                status,
                "other",
                "counter",
                "unknown",
                fen,
                event=event["id"],
            )
            for status, fen in caught
        ]
    await client.post(f"/api/events/{ids['己 取消']}/cancel", json={}, headers=world.auth("coord"))
    await api.create_event(title="草稿不列出", status="draft", venue={"name": "x"})
    await insert_rows(rows, world.users["staff_lk"])
    return ids


def expected_order(sort: str) -> list[str]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    starts = {title: start for title, start, *_ in EVENTS}

    def value(title: str) -> Any:
        if key == "starts_at":
            return starts[title]
        if key == "title":
            return title
        if key == "amount_per_attendee":
            shown = EXPECTED[title][4]
            return None if shown is None else float(shown)
        return EXPECTED[title][COLUMN[key]]

    present = [t for t in EXPECTED if value(t) is not None]
    missing = [t for t in EXPECTED if value(t) is None]
    # Ties (and events without a value, always last) go by start.
    present.sort(key=lambda t: starts[t])
    present.sort(key=value, reverse=descending)
    return present + sorted(missing, key=lambda t: starts[t])


SORTS = [
    "starts_at",
    "title",
    "occurrences_held",
    "attendees",
    "interceptions",
    "amount_saved",
    "amount_per_attendee",
]


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{s}" for s in SORTS)])
async def test_sorted_and_paged_by_every_column(client, world, impact, sort):
    seen: list[dict[str, Any]] = []
    for offset in range(0, 8, 4):
        response = await client.get(
            "/api/reports/events",
            params={
                "from": "2025-01-01",
                "to": "2026-01-01",
                "sort": sort,
                "limit": 4,
                "offset": offset,
            },
            headers=world.auth("admin"),
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 6
        seen += page["items"]
    assert [row["title"] for row in seen] == expected_order(sort)
    for row in seen:
        held, people, caught, fen, per_head = EXPECTED[row["title"]]
        assert row["occurrences_held"] == held
        assert row["attendees"] == people
        assert row["interceptions"] == caught
        assert row["amount_saved"] == f"{fen // 100}.{fen % 100:02d}"
        assert row["amount_per_attendee"] == per_head


async def test_an_unknown_sort_is_refused(client, world, impact):
    response = await client.get(
        "/api/reports/events", params={"sort": "salary"}, headers=world.auth("admin")
    )
    assert response.status_code == 400


@pytest.mark.parametrize("sort", ["-interceptions", "-amount_saved"])
@pytest.mark.parametrize("limit", [1, 2, 3, 5])
async def test_pages_of_the_top_events_by_interceptions_follow_the_full_order(
    client, world, impact, sort, limit
):
    """The pages found from the interceptions alone, and those that reach past the
    events with any (where every event's figures are needed), join up in one order."""
    seen: list[dict[str, Any]] = []
    for offset in range(0, 6, limit):
        response = await client.get(
            "/api/reports/events",
            params={"from": "2025-01-01", "to": "2026-01-01", "sort": sort}
            | {"limit": limit, "offset": offset},
            headers=world.auth("admin"),
        )
        assert response.status_code == 200, response.text
        seen += response.json()["items"]
    assert [row["title"] for row in seen] == expected_order(sort)
    for row in seen:
        held, people, _caught, _fen, _per_head = EXPECTED[row["title"]]
        assert (row["occurrences_held"], row["attendees"]) == (held, people)
