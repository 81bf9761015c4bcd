"""The summary's attendance against a plain count of the records, on both databases.

Whole months come from tallies kept by triggers on `attendance` and `event`, the
edges of a window from the records. Random records, then random changes by a
writer other than the API (an admin tool, a restore): records edited, moved to
another occurrence or event, deleted; events cancelled, restored, moved to
another branch, deleted. Random windows and scopes must add up exactly as a
loop over what is left does.
"""

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events.conftest import Api
from tests.exports.reports_data import FIRST, SHANGHAI, instants

EVENT_STATUSES = ("draft", "scheduled", "completed", "cancelled")
CODES = ("NJ-LK", "NJ-LK-A", "NJ-LS")
SUBTREES = {"NJ": ["NJ-LK", "NJ-LK-A", "NJ-LS"], "NJ-LK": ["NJ-LK", "NJ-LK-A"]}
SUBTREES |= {"NJ-LK-A": ["NJ-LK-A"], "NJ-LS": ["NJ-LS"]}


@dataclass
class Kept:
    """An event as the test knows it."""

    id: int
    branch: int
    status: str


@dataclass
class Record:
    event: Kept
    start: datetime
    headcount: int
    installs: int
    id: int = 0


async def _new_event(branch: int, status: str, user: int) -> Kept:
    from events.tables import Event

    now = datetime.now(UTC)
    rows = await Event.insert(
        Event(
            uid=f"{uuid.uuid4()}@tally.test",
            title="讲座",
            kind="lecture",
            branch=branch,
            starts_at=FIRST,
            ends_at=FIRST + timedelta(hours=1),
            status=status,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
    ).returning(Event.id)
    return Kept(rows[0]["id"], branch, status)


async def _insert(record: Record, user: int) -> None:
    from events.tables import Attendance

    rows = await Attendance.raw(
        "INSERT INTO attendance (event, occurrence_start, headcount, by_audience, "
        "materials_distributed, app_installs, notes, recorded_by, recorded_at) "
        "VALUES ({}, {}, {}, {}, 0, {}, '', {}, {}) RETURNING id",
        record.event.id,
        record.start.astimezone(UTC),
        record.headcount,
        "{}",
        record.installs,
        user,
        datetime.now(UTC),
    )
    record.id = rows[0]["id"]


def brute_force(
    records: list[Record], start: datetime | None, end: datetime | None, allowed: set[int] | None
) -> dict[str, Any]:
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        if r.event.status in ("draft", "cancelled"):
            continue
        if (start is not None and r.start < start) or (end is not None and r.start >= end):
            continue
        if allowed is not None and r.event.branch not in allowed:
            continue
        month = months[r.start.astimezone(SHANGHAI).strftime("%Y-%m")]
        month[0] += r.headcount
        month[1] += r.installs
    by_month = [
        {"month": m, "attendees": people, "app_installs": installs}
        for m, (people, installs) in sorted(months.items())
    ]
    return {
        "attendees": sum(row["attendees"] for row in by_month),
        "app_installs": sum(row["app_installs"] for row in by_month),
        "attendance_by_month": by_month,
    }


def shown(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in ("attendees", "app_installs", "attendance_by_month")}


async def _change(
    data: Any, events: list[Kept], records: list[Record], branches: list[int]
) -> None:
    """One change by a writer other than the API."""
    from events.tables import Attendance

    what = data.draw(
        st.sampled_from(["figures", "moved", "other_event", "delete", "status", "branch", "drop"])
    )
    if what in ("status", "branch", "drop"):
        if not events:
            return
        event = data.draw(st.sampled_from(events))
        if what == "status":
            event.status = data.draw(st.sampled_from(EVENT_STATUSES))
            await Attendance.raw(
                "UPDATE event SET status = {} WHERE id = {}", event.status, event.id
            )
        elif what == "branch":
            event.branch = data.draw(st.sampled_from(branches))
            await Attendance.raw(
                "UPDATE event SET branch = {}, title = {} WHERE id = {}",
                event.branch,
                "讲座（改）",
                event.id,
            )
        else:
            await Attendance.raw("DELETE FROM event WHERE id = {}", event.id)
            events.remove(event)
            records[:] = [r for r in records if r.event is not event]
        return
    if not records:
        return
    record = data.draw(st.sampled_from(records))
    if what == "delete":
        await Attendance.raw("DELETE FROM attendance WHERE id = {}", record.id)
        records.remove(record)
        return
    if what == "figures":
        record.headcount = data.draw(st.integers(0, 500))
        record.installs = data.draw(st.integers(0, 50))
    elif what == "moved":
        record.start = data.draw(instants)
    elif events:
        record.event = data.draw(st.sampled_from(events))
    taken = {(r.event.id, r.start) for r in records if r is not record}
    if (record.event.id, record.start) in taken:
        # One record per occurrence: the write is refused, as the unique index says.
        record.start += timedelta(seconds=data.draw(st.integers(1, 59)))
        if (record.event.id, record.start) in taken:
            return
    await Attendance.raw(
        "UPDATE attendance SET event = {}, occurrence_start = {}, headcount = {}, "
        "app_installs = {} WHERE id = {}",
        record.event.id,
        record.start.astimezone(UTC),
        record.headcount,
        record.installs,
        record.id,
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_attendance_equals_the_records_counted(client, world, data):
    from events.tables import Attendance

    await Attendance.raw("DELETE FROM attendance")
    await Attendance.raw("DELETE FROM event")
    branches = [world.branches[code] for code in CODES]
    user = world.users["coord"]
    events = [
        await _new_event(data.draw(st.sampled_from(branches)), status, user)
        for status in data.draw(st.lists(st.sampled_from(EVENT_STATUSES), min_size=1, max_size=4))
    ]
    records: list[Record] = []
    taken: set[tuple[int, datetime]] = set()
    for _ in range(data.draw(st.integers(0, 25))):
        record = Record(
            data.draw(st.sampled_from(events)),
            data.draw(instants),
            data.draw(st.integers(0, 500)),
            data.draw(st.integers(0, 50)),
        )
        if (record.event.id, record.start) not in taken:
            taken.add((record.event.id, record.start))
            await _insert(record, user)
            records.append(record)
    for _ in range(data.draw(st.integers(0, 6))):
        await _change(data, events, records, branches)
    for _ in range(3):
        start = data.draw(st.none() | instants)
        end = data.draw(st.none() | instants)
        if start is not None and end is not None and end <= start:
            start, end = end - timedelta(days=1), start
        code = data.draw(st.none() | st.sampled_from(list(SUBTREES)))
        params = {"branch": code} if code else {}
        if start is not None:
            params["from"] = start.isoformat()
        if end is not None:
            params["to"] = end.isoformat()
        response = await client.get(
            "/api/reports/summary", params=params, headers=world.auth("admin")
        )
        assert response.status_code == 200, response.text
        allowed = None if code is None else {world.branches[c] for c in SUBTREES[code]}
        assert shown(response.json()) == brute_force(records, start, end, allowed)


async def test_a_rolled_back_cancellation_leaves_the_tallies_alone(client, world):
    from events.tables import Attendance

    user = world.users["coord"]
    event = await _new_event(world.branches["NJ-LK"], "scheduled", user)
    await _insert(Record(event, datetime(2025, 3, 5, 10, tzinfo=SHANGHAI), 40, 7), user)
    params = {"from": "2025-01-01", "to": "2026-01-01"}
    before = await client.get("/api/reports/summary", params=params, headers=world.auth("admin"))
    assert before.json()["attendees"] == 40
    engine = Attendance._meta.db
    try:
        async with engine.transaction():
            await Attendance.raw("UPDATE event SET status = 'cancelled' WHERE id = {}", event.id)
            await _insert(Record(event, datetime(2025, 4, 5, 10, tzinfo=SHANGHAI), 9, 1), user)
            raise RuntimeError("the admin tool failed half-way")
    except RuntimeError:
        pass
    after = await client.get("/api/reports/summary", params=params, headers=world.auth("admin"))
    assert after.json() == before.json()


async def test_records_written_while_the_event_moves_and_is_cancelled(client, world):
    """Staff record every occurrence of a series at once while a coordinator moves the
    event to another branch, then cancels it; on PostgreSQL each request has its own
    connection. Whatever order they land in, the tallies follow the records."""
    api = Api(client, world)
    staff, coord = world.auth("staff_lk"), world.auth("coord")
    for n in range(3):
        start = datetime(2025, 1, 2 + 10 * n, 10, tzinfo=SHANGHAI)
        event = await api.create_event(
            branch_id=world.branches["NJ-LK"],
            starts_at=start.isoformat(),
            ends_at=(start + timedelta(hours=1)).isoformat(),
            rrule="FREQ=DAILY;COUNT=6",
        )
        url = f"/api/events/{event['id']}"
        writes = [
            client.put(
                f"{url}/attendance",
                json={
                    "occurrence_start": (start + timedelta(days=day)).isoformat(),
                    "headcount": 10 + day,
                    "app_installs": day,
                },
                headers=staff,
            )
            for day in range(6)
        ]
        change = (
            client.post(f"{url}/cancel", json={}, headers=coord)
            if n == 2
            else client.patch(url, json={"branch_id": world.branches["NJ-LS"]}, headers=coord)
        )
        responses = await asyncio.gather(*writes[:3], change, *writes[3:])
        changed = responses.pop(3)
        assert changed.status_code == 200, changed.text
        # A write that lands after the move or the cancellation is refused, never half-counted.
        assert {r.status_code for r in responses} <= {200, 403, 422}, [r.text for r in responses]

    params = {"from": "2025-01-01", "to": "2025-02-01"}
    for code in ("NJ-LK", "NJ-LS", None):
        expected = await _attendance_of_held_events(code, world)
        response = await client.get(
            "/api/reports/summary",
            params=params | ({"branch": code} if code else {}),
            headers=world.auth("admin"),
        )
        body = response.json()
        assert (body["attendees"], body["app_installs"]) == expected, code


async def _attendance_of_held_events(code: str | None, world: Any) -> tuple[int, int]:
    """Counted from the records themselves, as the tallies are meant to count them."""
    from events.tables import Attendance

    branches = None if code is None else [world.branches[c] for c in SUBTREES[code]]
    rows = await Attendance.raw(
        "SELECT a.headcount, a.app_installs, e.branch FROM attendance AS a "
        "JOIN event AS e ON e.id = a.event WHERE e.status NOT IN ('draft', 'cancelled')"
    )
    kept = [r for r in rows if branches is None or r["branch"] in branches]
    return sum(r["headcount"] for r in kept), sum(r["app_installs"] for r in kept)
