"""The summary's interception figures against a brute-force sum, on both databases.

Whole months come from tallies kept by triggers, the edges of a window from the
rows: random rows, random edits by any writer, random windows and scopes must
all add up exactly as a plain loop over the rows does.
"""

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exports.reports_data import (
    AGE_BANDS,
    CHANNELS,
    DAYS,
    FIRST,
    FRAUD_TYPES,
    SHANGHAI,
    STATUSES,
    Row,
    insert_rows,
    instants,
)


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def brute_force(
    rows: list[Row], start: datetime | None, end: datetime | None, branches: set[int] | None
) -> dict[str, Any]:
    """The interception part of the summary, the plain way."""
    groups: dict[str, dict[Any, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 4))
    for row in rows:
        if row.status == "rejected":
            continue
        if start is not None and row.occurred_at < start:
            continue
        if end is not None and row.occurred_at >= end:
            continue
        if branches is not None and row.branch not in branches:
            continue
        month = row.occurred_at.astimezone(SHANGHAI).strftime("%Y-%m")
        offset = 0 if row.status == "verified" else 1
        for figure, key in (
            ("total", ""),
            ("fraud_type", row.fraud_type),
            ("channel", row.channel),
            ("victim_age_band", row.victim_age_band),
            ("branch", row.branch),
            ("month", month),
        ):
            counts = groups[figure][key]
            counts[offset] += 1
            counts[2 + offset] += row.fen

    def totals(counts: list[int]) -> dict[str, Any]:
        return {
            "verified": counts[0],
            "pending": counts[1],
            "amount_saved": yuan(counts[2]),
            "amount_pending": yuan(counts[3]),
        }

    def listed(figure: str) -> list[dict[str, Any]]:
        return [{figure: key, **totals(c)} for key, c in sorted(groups[figure].items())]

    return {
        "interceptions": totals(groups["total"].get("", [0] * 4)),
        "by_fraud_type": listed("fraud_type"),
        "by_channel": listed("channel"),
        "by_age_band": listed("victim_age_band"),
        "by_month": listed("month"),
        "by_branch": [
            {"branch_id": key, **totals(c)} for key, c in sorted(groups["branch"].items())
        ],
    }


def shown(body: dict[str, Any]) -> dict[str, Any]:
    """The same parts of an API answer (branch names left out)."""
    return {
        "interceptions": body["interceptions"],
        "by_fraud_type": body["by_fraud_type"],
        "by_channel": body["by_channel"],
        "by_age_band": body["by_age_band"],
        "by_month": body["by_month"],
        "by_branch": [
            {k: v for k, v in row.items() if k not in {"code", "name"}} for row in body["by_branch"]
        ],
    }


@st.composite
def rows(draw: Any, branches: list[int]) -> Row:
    return Row(
        occurred_at=draw(instants).astimezone(UTC),
        branch=draw(st.sampled_from(branches)),
        status=draw(st.sampled_from(STATUSES)),
        fraud_type=draw(st.sampled_from(FRAUD_TYPES)),
        channel=draw(st.sampled_from(CHANNELS)),
        victim_age_band=draw(st.sampled_from(AGE_BANDS)),
        fen=draw(st.integers(0, 10_000_000_000)),
    )


async def _empty() -> None:
    from interceptions.tables import Interception, InterceptionTally

    await Interception.raw("DELETE FROM interception")
    await InterceptionTally.raw("DELETE FROM interception_tally")


async def _edit(row: Row, data: Any, branches: list[int]) -> bool:
    """One change by a writer other than the API (an import, an admin tool); False: deleted."""
    from interceptions.tables import Interception

    what = data.draw(st.sampled_from(["status", "amount", "moved", "branch", "kind", "delete"]))
    if what == "delete":
        await Interception.raw("DELETE FROM interception WHERE id = {}", row.id)
        return False
    if what == "status":
        row.status = data.draw(st.sampled_from(STATUSES))
    elif what == "amount":
        row.fen = data.draw(st.integers(0, 10_000_000_000))
    elif what == "moved":
        row.occurred_at = data.draw(instants).astimezone(UTC)
    elif what == "branch":
        row.branch = data.draw(st.sampled_from(branches))
    else:
        row.fraud_type = data.draw(st.sampled_from(FRAUD_TYPES))
        row.channel = data.draw(st.sampled_from(CHANNELS))
        row.victim_age_band = data.draw(st.sampled_from(AGE_BANDS))
    await Interception.raw(
        "UPDATE interception SET status = {}, amount_saved_fen = {}, occurred_at = {}, "
        "branch = {}, fraud_type = {}, channel = {}, victim_age_band = {} WHERE id = {}",
        row.status,
        row.fen,
        row.occurred_at,
        row.branch,
        row.fraud_type,
        row.channel,
        row.victim_age_band,
        row.id,
    )
    return True


SUBTREES = {"NJ": ["NJ", "NJ-LK", "NJ-LK-A", "NJ-LS"], "NJ-LK": ["NJ-LK", "NJ-LK-A"]}
SUBTREES |= {"NJ-LK-A": ["NJ-LK-A"], "NJ-LS": ["NJ-LS"]}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_summary_equals_the_brute_force_sum(client, world, data):
    await _empty()
    branches = list(world.branches.values())
    stored = data.draw(st.lists(rows(branches), max_size=60))
    await insert_rows(stored, world.users["staff_lk"], chunk=data.draw(st.integers(1, 25)))
    kept: list[Row] = []
    for row in stored:
        if data.draw(st.integers(0, 3)) == 0 and not await _edit(row, data, branches):
            continue
        kept.append(row)
    for _ in range(3):
        start = data.draw(st.none() | instants)
        end = data.draw(st.none() | instants)
        if start is not None and end is not None and end <= start:
            start, end = end - timedelta(days=1), start
        who = data.draw(st.sampled_from(["admin", "staff_lk", "staff_ls", "coord"]))
        branch = data.draw(st.none() | st.sampled_from(list(SUBTREES)))
        params = {"branch": branch} if branch else {}
        if start is not None:
            params["from"] = start.isoformat()
        if end is not None:
            params["to"] = end.isoformat()
        response = await client.get("/api/reports/summary", params=params, headers=world.auth(who))
        assert response.status_code == 200, response.text
        visible = {
            "admin": None,
            "coord": None,
            "staff_lk": SUBTREES["NJ-LK"],
            "staff_ls": SUBTREES["NJ-LS"],
        }[who]
        codes = SUBTREES[branch] if branch else None
        if visible is not None:
            codes = [c for c in codes if c in visible] if codes else visible
        allowed = None if codes is None else {world.branches[c] for c in codes}
        assert shown(response.json()) == brute_force(kept, start, end, allowed)


async def test_a_rolled_back_write_leaves_the_tallies_alone(client, world):
    from interceptions.tables import Interception

    row = Row(
        datetime(2025, 3, 5, tzinfo=UTC),
        world.branches["NJ-LK"],
        "verified",
        "other",
        "counter",
        "unknown",
        12345,
    )
    await insert_rows([row], world.users["staff_lk"])
    params = {"from": "2025-01-01", "to": "2026-01-01"}
    before = await client.get("/api/reports/summary", params=params, headers=world.auth("admin"))
    engine = Interception._meta.db
    try:
        async with engine.transaction():
            await insert_rows(
                [
                    Row(
                        datetime(2025, 3, 6, tzinfo=UTC),
                        world.branches["NJ-LS"],
                        "verified",
                        "other",
                        "atm",
                        "unknown",
                        500,
                    )
                ],
                world.users["staff_lk"],
            )
            await Interception.raw(
                "UPDATE interception SET amount_saved_fen = 1 WHERE id = {}", row.id
            )
            raise RuntimeError("the import failed half-way")
    except RuntimeError:
        pass
    after = await client.get("/api/reports/summary", params=params, headers=world.auth("admin"))
    assert after.json() == before.json()
    assert after.json()["interceptions"]["amount_saved"] == "123.45"


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32), cut=st.integers(1, 27))
async def test_a_hundred_thousand_rows_add_up_to_the_fen(client, world, seed, cut):
    await _empty()
    rng = random.Random(seed)
    branches = list(world.branches.values())
    stored = [
        Row(
            occurred_at=(FIRST + timedelta(minutes=rng.randrange(DAYS * 24 * 60))).astimezone(UTC),
            branch=rng.choice(branches),
            status=rng.choice(STATUSES),
            fraud_type=rng.choice(FRAUD_TYPES),
            channel=rng.choice(CHANNELS),
            victim_age_band=rng.choice(AGE_BANDS),
            # Amounts of every size up to the 100,000,000.00 yuan cap.
            fen=rng.choice([rng.randrange(100), rng.randrange(10**6), rng.randrange(10**10 + 1)]),
        )
        for _ in range(100_000)
    ]
    await insert_rows(stored, world.users["staff_lk"])
    # A window with partial months at both ends, read by a staff member of a sub-branch.
    start = datetime(2024, 2, cut, 13, 30, tzinfo=SHANGHAI)
    end = datetime(2026, 3, cut, 9, 15, tzinfo=SHANGHAI)
    for who, allowed in (
        ("admin", None),
        ("staff_lk", {world.branches["NJ-LK"], world.branches["NJ-LK-A"]}),
    ):
        response = await client.get(
            "/api/reports/summary",
            params={"from": start.isoformat(), "to": end.isoformat()},
            headers=world.auth(who),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert shown(body) == brute_force(stored, start, end, allowed)
        total = sum(
            Decimal(r.fen) / 100
            for r in stored
            if r.status == "verified"
            and start <= r.occurred_at < end
            and (allowed is None or r.branch in allowed)
        )
        assert Decimal(body["interceptions"]["amount_saved"]) == total
