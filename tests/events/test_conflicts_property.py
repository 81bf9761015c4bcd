"""Through the API: a second booking is refused exactly when the brute-force reference clashes."""

from datetime import UTC, timedelta

from hypothesis import HealthCheck, given, settings

from events.recurrence import local_iso
from tests.events.test_properties import brute_force, schedules


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A short span of start days makes clashes common enough to test both answers.
@given(first=schedules(span_days=20), second=schedules(span_days=20))
async def test_api_refuses_exactly_the_clashing_bookings(client, world, first, second):
    from events.tables import Event, EventChange

    # Each example starts from no events; their histories go first (they refer to them).
    await EventChange.delete(force=True)
    await Event.delete(force=True)
    headers = world.auth("coord")
    bodies = []
    for schedule in (first, second):
        body = {
            "title": "讲座",
            "kind": "lecture",
            "starts_at": schedule.starts_at.isoformat(),
            "ends_at": schedule.ends_at.isoformat(),
            "timezone": schedule.timezone,
            "rrule": schedule.rrule,
            "exdates": [local_iso(x, schedule.timezone) for x in schedule.exdates],
            "venue": {"name": "Hall"},
        }
        bodies.append(body)
    created = await client.post("/api/events", json=bodies[0], headers=headers)
    assert created.status_code == 201, created.text
    start = second.starts_at.astimezone(UTC)
    end = start + timedelta(days=366)
    theirs = brute_force(first)
    mine = [o for o in brute_force(second) if o[0] < end and o[1] > start]
    clash = any(a[0] < b[1] and b[0] < a[1] for a in mine for b in theirs)
    response = await client.post("/api/events", json=bodies[1], headers=headers)
    assert response.status_code == (409 if clash else 201), response.text
