"""How an import stores its rows: staged, then moved in one transaction that tallies them.

The tallies are checked against a count made here, in Python, from the stored
interceptions, not against the database's own triggers or grouped statements.
"""

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.interceptions.conftest import log, new_body
from tests.interceptions.test_csv_import import row, to_csv, total, upload

CHINA = ZoneInfo("Asia/Shanghai")
BREAKDOWNS = ("fraud_type", "channel", "victim_age_band")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _counted() -> Counter[tuple[Any, ...]]:
    """The tallies the stored interceptions call for, counted one by one."""
    from interceptions.tables import Interception

    counts: Counter[tuple[Any, ...]] = Counter()
    for r in await Interception.select():
        month = _aware(r["occurred_at"]).astimezone(CHINA).strftime("%Y-%m")
        pairs = [("total", ""), *((b, r[b]) for b in BREAKDOWNS)]
        for branch in (r["branch"], 0):
            for breakdown, value in pairs:
                counts[(month, branch, r["status"], breakdown, value, "n")] += 1
                counts[(month, branch, r["status"], breakdown, value, "fen")] += r[
                    "amount_saved_fen"
                ]
    return counts


async def _tallied() -> Counter[tuple[Any, ...]]:
    from interceptions.tables import InterceptionTally

    counts: Counter[tuple[Any, ...]] = Counter()
    for t in await InterceptionTally.select():
        key = (t["month"], t["branch"], t["status"], t["breakdown"], t["value"])
        counts[(*key, "n")] += t["n"]
        counts[(*key, "fen")] += t["fen"]
    return counts


def _nonzero(counts: Counter[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
    return {key: value for key, value in counts.items() if value}


async def _assert_tallies_match() -> None:
    assert _nonzero(await _tallied()) == _nonzero(await _counted())


async def _pauses_left() -> int:
    """Rows left in SQLite's pause table (none ever should be; PostgreSQL has no such table)."""
    from interceptions.tables import Interception

    if type(Interception._meta.db).__name__ == "PostgresEngine":
        return 0
    rows = await Interception.raw("SELECT COUNT(*) AS n FROM interception_tally_pause")
    return int(rows[0]["n"])


def _mixed_rows(count: int) -> list[dict[str, str]]:
    channels = ("counter", "atm", "phone_callback", "mobile_banking")
    frauds = ("order_brushing", "fake_investment", "impersonating_authorities", "other")
    ages = ("18_34", "35_59", "60_plus", "unknown")
    return [
        row(
            n,
            # Months either side of a month's end in China time, which UTC puts in the month before.
            occurred_at=f"2025-0{1 + n % 5}-01T0{n % 10}:30:00+08:00",
            branch_code=("NJ-LK", "NJ-LK-A")[n % 2],
            channel=channels[n % 4],
            fraud_type=frauds[(n // 4) % 4],
            victim_age_band=ages[(n // 3) % 4],
            amount_saved=f"{n * 37 % 100_000}.{n % 100:02d}",
        )
        for n in range(1, count + 1)
    ]


async def test_an_import_is_tallied_as_its_rows_one_by_one(client, world):
    await log(client, world, "staff_lk", occurred_at="2025-03-01T07:00:00+08:00")
    response = await upload(client, world, to_csv(_mixed_rows(600)), user="coord_lk")
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 600
    # The row trigger works again for what is logged after the import.
    await log(client, world, "staff_lka", occurred_at="2025-04-30T23:30:00+08:00")
    assert await total(client, world) == 602
    await _assert_tallies_match()
    assert await _pauses_left() == 0
    summary = await client.get(
        "/api/reports/summary",
        params={"from": "2025-01-01", "to": "2026-01-01"},
        headers=world.auth("admin"),
    )
    assert summary.status_code == 200, summary.text


async def test_an_import_raced_by_a_single_post_stores_nothing(client, world):
    """Someone logs one of the file's client_refs after the check: 409, nothing stored."""
    from interceptions import csv_import
    from interceptions.import_writing import store_prepared

    rows = _mixed_rows(300)

    async def raced(*args: Any) -> None:
        body = new_body(client_ref=rows[150]["client_ref"])
        single = await client.post("/api/interceptions", json=body, headers=world.auth("staff_lk"))
        assert single.status_code == 201, single.text
        await store_prepared(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_import, "store_prepared", raced)
        response = await upload(client, world, to_csv(rows), user="coord_lk")
    assert response.status_code == 409, response.text
    assert "logged by someone else" in response.json()["detail"]
    assert await total(client, world) == 1
    await _assert_tallies_match()
    assert await _pauses_left() == 0
    # The file sent again stores the rest and skips the raced row.
    again = await upload(client, world, to_csv(rows), user="coord_lk")
    assert again.status_code == 201, again.text
    assert again.json()["imported"] == 299
    await _assert_tallies_match()
