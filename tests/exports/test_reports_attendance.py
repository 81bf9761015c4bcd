"""Attendance and app installs by month in the summary, against a count of the records."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.events.conftest import Api

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass
class Record:
    branch: str
    campaign: int | None
    held: bool  # the event is neither draft nor cancelled
    start: datetime
    headcount: int
    installs: int


@pytest.fixture
async def records(client, world) -> list[Record]:
    """Daily series over month ends (China time and UTC disagree on 00:30 of the 1st), a
    campaign's event, another outlet's, a cancelled one, and the year before."""
    api = Api(client, world)
    draw = random.Random(11)
    campaign = await api.create_campaign()
    plans: list[tuple[str, int | None, str, int, bool]] = [
        ("NJ-LK", None, "2025-03-30T00:30:00+08:00", 4, False),
        ("NJ-LS", None, "2025-05-31T22:00:00+08:00", 3, False),
        ("NJ-LK", campaign["id"], "2025-06-29T08:00:00+08:00", 3, False),
        ("NJ-LS", None, "2025-01-01T00:00:00+08:00", 2, True),  # cancelled afterwards
        ("NJ-LK", None, "2024-12-30T23:00:00+08:00", 4, False),  # over the year's edge
        ("NJ-LS", None, "2024-04-30T20:00:00+08:00", 2, False),
    ]
    records: list[Record] = []
    for n, (branch, campaign_id, first, count, cancel) in enumerate(plans):
        start = datetime.fromisoformat(first)
        event = await api.create_event(
            title=f"讲座{n}",
            venue={"name": f"场地{n}"},
            branch_id=world.branches[branch],
            campaign_id=campaign_id,
            starts_at=start.isoformat(),
            ends_at=(start + timedelta(minutes=20)).isoformat(),
            rrule=f"FREQ=DAILY;COUNT={count}",
        )
        for occurrence in range(count):
            when = start + timedelta(days=occurrence)
            people, installs = draw.randint(1, 90), draw.randint(0, 30)
            response = await client.put(
                f"/api/events/{event['id']}/attendance",
                json={
                    "occurrence_start": when.isoformat(),
                    "headcount": people,
                    "app_installs": installs,
                },
                headers=world.auth("admin"),
            )
            assert response.status_code == 200, response.text
            records.append(Record(branch, campaign_id, not cancel, when, people, installs))
        if cancel:
            response = await client.post(
                f"/api/events/{event['id']}/cancel", json={}, headers=world.auth("coord")
            )
            assert response.status_code == 200, response.text
    return records


def brute_force(
    records: list[Record],
    start: datetime,
    end: datetime,
    branch: str | None = None,
    campaign: int | None = None,
) -> list[dict[str, Any]]:
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        if not r.held or not start <= r.start < end:
            continue
        if branch is not None and r.branch != branch:
            continue
        if campaign is not None and r.campaign != campaign:
            continue
        sums = months[f"{r.start.astimezone(CHINA):%Y-%m}"]
        sums[0] += r.headcount
        sums[1] += r.installs
    return [
        {"month": month, "attendees": people, "app_installs": installs}
        for month, (people, installs) in sorted(months.items())
    ]


def china(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


async def test_attendance_by_month_equals_the_records(client, world, records):
    campaign = next(r.campaign for r in records if r.campaign is not None)
    year = {"from": "2025-01-01", "to": "2025-12-31"}
    start, end = china("2025-01-01T00:00"), china("2026-01-01T00:00")
    cases: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
        ("admin", year, brute_force(records, start, end)),
        ("admin", {**year, "branch": "NJ-LS"}, brute_force(records, start, end, "NJ-LS")),
        ("staff_ls", year, brute_force(records, start, end, "NJ-LS")),
        (
            "admin",
            {**year, "campaign": campaign},
            brute_force(records, start, end, campaign=campaign),
        ),
        (
            "admin",
            {"from": "2025-03-31T00:30:00+08:00", "to": "2025-04-01T00:31:00+08:00"},
            brute_force(records, china("2025-03-31T00:30"), china("2025-04-01T00:31")),
        ),
    ]
    for user, params, expected in cases:
        response = await client.get("/api/reports/summary", params=params, headers=world.auth(user))
        assert response.status_code == 200, response.text
        body = response.json()
        assert expected, params
        assert body["attendance_by_month"] == expected, (user, params)
        assert body["attendees"] == sum(row["attendees"] for row in expected)
        assert body["app_installs"] == sum(row["app_installs"] for row in expected)
    # The month boundary is China's: 00:30 on 1 April (16:30 UTC on 31 March) is April.
    whole = brute_force(records, start, end)
    assert [row["month"] for row in whole] == [
        "2025-01",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]


async def test_the_year_before_carries_attendance_too(client, world, records):
    response = await client.get(
        "/api/reports/summary",
        params={"from": "2025-01-01", "to": "2025-12-31", "compare": "previous_year"},
        headers=world.auth("admin"),
    )
    assert response.status_code == 200, response.text
    previous = response.json()["previous"]
    expected = brute_force(records, china("2024-01-01T00:00"), china("2025-01-01T00:00"))
    assert [row["month"] for row in expected] == ["2024-04", "2024-05", "2024-12"]
    assert previous["attendance_by_month"] == expected
    assert previous["app_installs"] == sum(row["app_installs"] for row in expected)
