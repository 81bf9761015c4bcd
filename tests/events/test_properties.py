"""Property tests: expansion and conflict detection agree with a brute-force dateutil reference."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.conflicts import first_overlap
from events.recurrence import Schedule, check_schedule, occurrences

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
