"""`from`/`to` mean the same on every list, report and export (core/window.py).

A date-only `to` includes that whole day in China time; an instant `to` is
exclusive. The records sit early on the `to` day in China time, which is still
the day before in UTC, so a bound read in UTC would miss them.
"""

import csv
import io
from typing import Any

import httpx

from tests.events.conftest import Api
from tests.interceptions.conftest import log

# 07:30 in China on 20 March 2025 is 23:30 UTC on the 19th.
ON_THE_DAY = "2025-03-20T07:30:00+08:00"
DATE_TO = {"from": "2025-03-01", "to": "2025-03-20"}
DAY_BEFORE = {"from": "2025-03-01", "to": "2025-03-19"}
AT_THE_INSTANT = {"from": "2025-03-01", "to": ON_THE_DAY}
JUST_AFTER = {"from": "2025-03-01", "to": "2025-03-20T07:30:01+08:00"}
WINDOWS = {
    "date": DATE_TO,
    "day before": DAY_BEFORE,
    "instant": AT_THE_INSTANT,
    "after": JUST_AFTER,
}
FOUND = {"date": 1, "day before": 0, "instant": 0, "after": 1}


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_a_record_on_the_to_day_is_in_the_list_the_export_and_the_summary(client, world):
    admin = world.auth("admin")
    await log(client, world, occurred_at=ON_THE_DAY)

    async def counts(params: dict[str, Any]) -> tuple[int, int, int]:
        listed = await client.get("/api/interceptions", params=params, headers=admin)
        assert listed.status_code == 200, listed.text
        exported = await client.get("/api/exports/interceptions.csv", params=params, headers=admin)
        summary = await client.get("/api/reports/summary", params=params, headers=admin)
        assert summary.status_code == 200, summary.text
        return (
            listed.json()["total"],
            len(csv_rows(exported)),
            summary.json()["interceptions"]["pending"],
        )

    for name, params in WINDOWS.items():
        assert await counts(params) == (FOUND[name],) * 3, name


async def test_an_event_on_the_to_day_is_in_the_lists_the_exports_and_the_summary(client, world):
    await Api(client, world).create_event(starts_at=ON_THE_DAY, ends_at="2025-03-20T09:00:00+08:00")
    coord = world.auth("coord")

    async def counts(params: dict[str, Any]) -> tuple[int, ...]:
        answers = [
            await client.get(path, params=params, headers=coord)
            for path in ("/api/events", "/api/occurrences", "/api/reports/summary")
        ]
        for answer in answers:
            assert answer.status_code == 200, answer.text
        exported = await client.get("/api/exports/events.csv", params=params, headers=coord)
        return (
            answers[0].json()["total"],
            answers[1].json()["total"],
            answers[2].json()["events"]["held"],
            len(csv_rows(exported)),
        )

    assert await counts(DATE_TO) == (1, 1, 1, 1)
    assert await counts(DAY_BEFORE) == (0, 0, 0, 0)


async def test_the_same_day_as_from_and_to_is_that_one_day(client, world):
    await log(client, world, occurred_at=ON_THE_DAY)
    await log(client, world, occurred_at="2025-03-21T00:00:00+08:00")
    one_day = {"from": "2025-03-20", "to": "2025-03-20"}
    listed = await client.get("/api/interceptions", params=one_day, headers=world.auth("admin"))
    assert listed.status_code == 200, listed.text
    assert [i["occurred_at"] for i in listed.json()["items"]] == [ON_THE_DAY]


async def test_a_window_that_is_not_one_is_refused_alike_everywhere(client, world):
    admin = world.auth("admin")
    for path in ("/api/interceptions", "/api/events", "/api/reports/summary"):
        backwards = await client.get(
            path, params={"from": "2025-03-20", "to": "2025-03-19"}, headers=admin
        )
        assert backwards.status_code == 422, (path, backwards.text)
        assert backwards.json()["detail"] == "`to` must be after `from`."
        garbled = await client.get(path, params={"to": "2025-13-45"}, headers=admin)
        assert garbled.status_code == 422, (path, garbled.text)
        assert "`to`" in garbled.json()["detail"]
        assert "2025-13-45" in garbled.json()["detail"]
