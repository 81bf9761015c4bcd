"""Property tests: expansion and conflict detection agree with a brute-force dateutil reference."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from events.conflicts import first_overlap
from events.recurrence import (
    Schedule,
    check_schedule,
    is_occurrence,
    occurrences,
    series_ends_at,
    starts_between,
)

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def schedules(draw, span_days=500):
    zone = draw(st.sampled_from(ZONES))
    day = datetime(2025, 1, 1) + timedelta(days=draw(st.integers(0, span_days)))
    local = day.replace(hour=draw(st.integers(6, 21)), minute=draw(st.sampled_from([0, 15, 30])))
    start = local.replace(tzinfo=ZoneInfo(zone))
    duration = timedelta(minutes=draw(st.integers(15, 60 * 30)))
    freq = draw(st.sampled_from([None, "DAILY", "WEEKLY", "MONTHLY"]))
    rule = None
    if freq:
        rule = f"FREQ={freq};INTERVAL={draw(st.integers(1, 3))}"
        if freq == "WEEKLY" and draw(st.booleans()):
            days = {DAYS[local.weekday()], *draw(st.sets(st.sampled_from(DAYS), max_size=3))}
            rule += ";BYDAY=" + ",".join(sorted(days))
        end = draw(st.sampled_from(["none", "count", "until"]))
        if end == "count":
            rule += f";COUNT={draw(st.integers(1, 12))}"
        elif end == "until":
            until = start.astimezone(UTC) + timedelta(days=draw(st.integers(0, 120)))
            rule += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
    schedule = Schedule(start, start + duration, zone, rule)
    if rule:
        every = brute_force(schedule)[: draw(st.integers(0, 3))]
        schedule = Schedule(start, start + duration, zone, rule, frozenset(s for s, _ in every))
    check_schedule(schedule)
    return schedule


HORIZON = datetime(2028, 1, 1, tzinfo=UTC)


def brute_force(schedule: Schedule) -> list[tuple[datetime, datetime]]:
    """Every occurrence until HORIZON the plain way: dateutil on local time, then UTC."""
    zone = ZoneInfo(schedule.timezone)
    # dateutil with an aware start keeps the wall-clock time and the zone (and UNTIL in UTC).
    local = schedule.starts_at.astimezone(zone)
    if schedule.rrule:
        rule = rrulestr(schedule.rrule, dtstart=local)
        starts = []
        for moment in rule:
            instant = moment.astimezone(UTC)
            if instant > HORIZON:
                break
            starts.append(instant)
    else:
        starts = [schedule.starts_at.astimezone(UTC)]
    return [
        (s, s + schedule.duration) for s in starts if s not in schedule.exdates and s <= HORIZON
    ]


windows = st.tuples(st.integers(0, 900), st.integers(1, 200)).map(
    lambda t: (
        datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=t[0], hours=t[0] % 24),
        datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=t[0] + t[1]),
    )
)


@SETTINGS
@given(schedules(), windows)
def test_expansion_matches_brute_force(schedule, window):
    start, end = window
    expected = [(s, e) for s, e in brute_force(schedule) if s < end and e > start]
    assert occurrences(schedule, start, end) == expected


@SETTINGS
@given(schedules(), schedules())
def test_conflict_detection_matches_brute_force(a, b):
    start = a.starts_at.astimezone(UTC)
    end = min(start + timedelta(days=366), HORIZON)
    left = [o for o in brute_force(a) if o[0] < end and o[1] > start]
    right = [o for o in brute_force(b) if o[0] < end and o[1] > start]
    clashing = sorted(x[0] for x in left for y in right if x[0] < y[1] and y[0] < x[1])
    found = first_overlap(a, b, start, end)
    assert found == (clashing[0] if clashing else None)


# --- expansion that starts at the window ---------------------------------------

WEEKSTARTS = ["MO", "SU", "WE"]


@st.composite
def any_rule(draw):
    """Rules of every frequency, with the parts whose defaults come from DTSTART."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 4))}"]
    if freq == "WEEKLY":
        if draw(st.booleans()):
            days = draw(st.sets(st.sampled_from(DAYS), min_size=1, max_size=4))
            parts.append("BYDAY=" + ",".join(sorted(days)))
        parts.append(f"WKST={draw(st.sampled_from(WEEKSTARTS))}")
    elif freq == "MONTHLY":
        shape = draw(st.sampled_from(["plain", "monthday", "nth", "setpos"]))
        if shape == "monthday":
            days = draw(st.sets(st.sampled_from([1, 10, 15, 28, 29, 30, 31, -1]), min_size=1))
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in sorted(days)))
        elif shape == "nth":
            parts.append(
                f"BYDAY={draw(st.sampled_from(['1', '2', '-1']))}{draw(st.sampled_from(DAYS))}"
            )
        elif shape == "setpos":
            parts.append("BYDAY=MO,TU,WE,TH,FR;BYSETPOS=" + draw(st.sampled_from(["1", "-1"])))
    elif freq == "YEARLY":
        shape = draw(st.sampled_from(["plain", "month", "leap"]))
        if shape == "month":
            parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
        elif shape == "leap":
            parts.append("BYMONTH=2;BYMONTHDAY=29")
    if freq == "DAILY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(sorted(draw(st.sets(st.sampled_from(DAYS), min_size=1)))))
    return ";".join(parts)


@st.composite
def old_schedules(draw):
    """A series that may have begun decades before the window, with or without an end."""
    zone = draw(st.sampled_from(ZONES))
    rule = draw(any_rule())
    seed = datetime(2000, 1, 3) + timedelta(days=draw(st.integers(0, 365 * 30)))
    seed = seed.replace(hour=draw(st.integers(0, 23)), minute=draw(st.sampled_from([0, 30])))
    first = rrulestr(rule, dtstart=seed).after(seed, inc=True)
    assume(first is not None and first.year < 2090)
    assert first is not None
    start = first.replace(tzinfo=ZoneInfo(zone))
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        rule += f";COUNT={draw(st.integers(1, 300))}"
    elif end == "until":
        until = start.astimezone(UTC) + timedelta(days=draw(st.integers(0, 365 * 40)))
        rule += f";UNTIL={min(until, LATE):%Y%m%dT%H%M%SZ}"
    duration = timedelta(minutes=draw(st.integers(15, 60 * 30)))
    return Schedule(start, start + duration, zone, rule)


LATE = datetime(2099, 12, 31, tzinfo=UTC)


def brute_starts(schedule: Schedule, until: datetime) -> list[datetime]:
    """Every start from DTSTART to `until`, the plain way."""
    zone = ZoneInfo(schedule.timezone)
    assert schedule.rrule
    found = []
    for moment in rrulestr(schedule.rrule, dtstart=schedule.starts_at.astimezone(zone)):
        instant = moment.astimezone(UTC)
        if instant >= until:
            break
        found.append(instant)
    return found


far_windows = st.tuples(st.integers(0, 365 * 99), st.integers(1, 400)).map(
    lambda t: (
        datetime(2000, 1, 1, tzinfo=UTC) + timedelta(days=t[0], hours=t[0] % 24),
        datetime(2000, 1, 1, tzinfo=UTC) + timedelta(days=t[0] + t[1]),
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old_schedules(), far_windows)
def test_expansion_from_the_window_matches_walking_from_the_first(schedule, window):
    start, end = window
    expected = [s for s in brute_starts(schedule, end) if s >= start]
    assert starts_between(schedule, start, end) == expected
    spans = [(s, s + schedule.duration) for s in brute_starts(schedule, end)]
    assert occurrences(schedule, start, end) == [(s, e) for s, e in spans if e > start]
    if expected:
        assert is_occurrence(schedule, expected[-1])
        assert not is_occurrence(schedule, expected[-1] + timedelta(minutes=1))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old_schedules())
def test_series_end_matches_the_last_start(schedule):
    assert schedule.rrule
    every = brute_starts(schedule, datetime(2100, 1, 2, tzinfo=UTC))
    found = series_ends_at(schedule.starts_at, schedule.ends_at, schedule.timezone, schedule.rrule)
    if "COUNT" in schedule.rrule or "UNTIL" in schedule.rrule:
        assert found == every[-1] + schedule.duration
    else:
        assert found is None


# --- the occurrence table against the brute force, through the API -------------------

DB_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _expected(schedule: Schedule, exdates: set[datetime], until: datetime | None):
    last = until or datetime(2100, 1, 2, tzinfo=UTC)
    return [s for s in brute_starts(schedule, last) if s not in exdates]


async def _table(event_id: int) -> tuple[list[datetime], datetime | None]:
    from events.tables import Event, Occurrence

    rows = (
        await Occurrence.select(Occurrence.starts_at, Occurrence.ends_at)
        .where(Occurrence.event == event_id)
        .order_by(Occurrence.starts_at)
    )
    event = (
        await Event.select(Event.occurrences_until, Event.starts_at, Event.ends_at)
        .where(Event.id == event_id)
        .first()
    )
    assert event is not None
    duration = event["ends_at"] - event["starts_at"]
    assert all(r["ends_at"] - r["starts_at"] == duration for r in rows)
    return [r["starts_at"] for r in rows], event["occurrences_until"]


@DB_SETTINGS
@given(data=st.data())
async def test_the_table_holds_the_brute_force_occurrences_through_edits(client, world, data):
    headers = world.auth("admin")
    schedule = data.draw(old_schedules())
    assert schedule.rrule
    every = brute_starts(schedule, datetime(2100, 1, 1, tzinfo=UTC))
    exdates = set(data.draw(st.lists(st.sampled_from(every[:40]), max_size=3)))
    zone = ZoneInfo(schedule.timezone)
    title = f"属性测试 {uuid.uuid4().hex}"  # earlier examples' events share the windows
    created = await client.post(
        "/api/events",
        json={
            "title": title,
            "starts_at": schedule.starts_at.isoformat(),
            "ends_at": schedule.ends_at.isoformat(),
            "timezone": schedule.timezone,
            "rrule": schedule.rrule,
            "exdates": [x.astimezone(zone).isoformat() for x in sorted(exdates)],
            "allow_conflicts": True,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    starts, until = await _table(event_id)
    assert starts == _expected(schedule, exdates, until)

    for _ in range(data.draw(st.integers(1, 3))):
        edit = data.draw(st.sampled_from(["exdates", "end", "duration", "cancel"]))
        changes: dict[str, object] = {}
        if edit == "exdates":
            exdates = set(data.draw(st.lists(st.sampled_from(every[:40]), max_size=4)))
            changes["exdates"] = [x.astimezone(zone).isoformat() for x in sorted(exdates)]
        elif edit == "end":
            base = ";".join(
                p for p in schedule.rrule.split(";") if p.split("=")[0] not in {"COUNT", "UNTIL"}
            )
            base += data.draw(st.sampled_from(["", ";COUNT=7", ";COUNT=250"]))
            schedule = Schedule(schedule.starts_at, schedule.ends_at, schedule.timezone, base)
            every = brute_starts(schedule, datetime(2100, 1, 1, tzinfo=UTC))
            exdates = {x for x in exdates if x in every}
            changes["rrule"] = base
        elif edit == "duration":
            ends = schedule.starts_at + timedelta(minutes=data.draw(st.integers(10, 3000)))
            schedule = Schedule(schedule.starts_at, ends, schedule.timezone, schedule.rrule)
            changes["ends_at"] = ends.isoformat()
        else:
            cancelled = await client.post(f"/api/events/{event_id}/cancel", headers=headers)
            assert cancelled.status_code == 200
            assert (await _table(event_id))[0] == []
            changes["status"] = "scheduled"
        changes["allow_conflicts"] = True
        patched = await client.patch(f"/api/events/{event_id}", json=changes, headers=headers)
        assert patched.status_code == 200, patched.text
        starts, until = await _table(event_id)
        assert starts == _expected(schedule, exdates, until)

    # Any window of the API, rows or not, is the brute force's too.
    start, end = data.draw(far_windows)
    listed = await client.get(
        "/api/occurrences",
        params={"from": start.isoformat(), "to": end.isoformat(), "limit": 500, "q": title},
        headers=headers,
    )
    if listed.status_code == 422:  # more than the 5000 a window may hold
        return
    assert listed.status_code == 200, listed.text
    mine = [o for o in listed.json()["items"] if o["event_id"] == event_id]
    wanted = [
        s for s in _expected(schedule, exdates, None) if s < end and s + schedule.duration > start
    ]
    assert [datetime.fromisoformat(o["starts_at"]) for o in mine] == wanted[:500]
