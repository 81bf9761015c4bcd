"""Feeds hold what ended within 12 months and everything later; time moves the rest out."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from exports.feed_window import Window, left_on
from tests.fixtures import private_feed_path
from tests.tools.calendars import every_parser, lint


async def _create(
    client: httpx.AsyncClient, world: Any, title: str, start: datetime, **extra: Any
) -> int:
    response = await client.post(
        "/api/events",
        json={
            "title": title,
            "kind": "lecture",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "branch_id": world.branches["NJ-LK"],
            "venue": {"name": f"{title}会场", "venue_type": "community"},
            **extra,
        },
        headers=world.auth("coord"),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _cancel(client: httpx.AsyncClient, world: Any, event_id: int) -> None:
    response = await client.post(
        f"/api/events/{event_id}/cancel", json={"reason": "暴雨"}, headers=world.auth("coord")
    )
    assert response.status_code in (200, 201), response.text


async def _shown(client: httpx.AsyncClient, path: str = "/calendar.ics") -> dict[str, str]:
    response = await client.get(path)
    assert response.status_code == 200
    lint(response.content)
    return {seen.summary: seen.status for seen in every_parser(response.text)["icalendar"].values()}


async def test_feed_reaches_back_twelve_months_and_keeps_every_later_event(
    client, world, time_machine
):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    time_machine.move_to(now, tick=True)
    await _create(client, world, "十一个月前", now - relativedelta(months=11))
    old = await _create(client, world, "十三个月前", now - relativedelta(months=13))
    await _create(client, world, "三百天后", now + timedelta(days=300))
    await _create(client, world, "三年前起每周", now - relativedelta(years=3), rrule="FREQ=WEEKLY")
    await _create(
        client, world, "已结束的系列", now - relativedelta(months=14), rrule="FREQ=WEEKLY;COUNT=4"
    )
    await _create(
        client,
        world,
        "仍在进行的系列",
        now - relativedelta(months=14),
        rrule="FREQ=WEEKLY;COUNT=60",
    )
    fresh = await _create(client, world, "昨天取消", now + timedelta(days=20))
    stale = await _create(client, world, "上月取消", now + timedelta(days=21))
    time_machine.move_to(now - timedelta(days=31), tick=True)
    await _cancel(client, world, stale)
    time_machine.move_to(now - timedelta(days=1), tick=True)
    await _cancel(client, world, fresh)
    time_machine.move_to(now, tick=True)

    assert await _shown(client) == {
        "十一个月前": "CONFIRMED",
        "三百天后": "CONFIRMED",
        "三年前起每周": "CONFIRMED",
        "仍在进行的系列": "CONFIRMED",
        "昨天取消": "CANCELLED",
    }
    # An old event's own file stays: its link may sit in a chat for years.
    assert (await client.get(f"/events/{old}.ics")).status_code == 200


async def test_an_event_leaves_when_its_twelve_months_pass_and_last_modified_moves(
    client, world, time_machine
):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    time_machine.move_to(now, tick=True)
    await _create(client, world, "十一个月前", now - relativedelta(months=11))
    await _create(client, world, "内部复盘", now - relativedelta(months=11), visibility="internal")
    await _create(client, world, "下个月", now + relativedelta(months=1))
    private = await private_feed_path(client, world, "staff_lk")
    before = await client.get("/calendar.ics")
    assert set(await _shown(client)) == {"十一个月前", "下个月"}
    assert set(await _shown(client, private)) == {"十一个月前", "内部复盘", "下个月"}

    # Nobody writes anything; two months pass.
    time_machine.move_to(now + relativedelta(months=2), tick=True)
    after = await client.get(
        "/calendar.ics", headers={"If-Modified-Since": before.headers["last-modified"]}
    )
    assert after.status_code == 200  # not 304: the calendar lost an event
    assert after.headers["etag"] != before.headers["etag"]
    assert set(await _shown(client)) == {"下个月"}
    assert set(await _shown(client, private)) == {"下个月"}
    again = await client.get(
        "/calendar.ics", headers={"If-Modified-Since": after.headers["last-modified"]}
    )
    assert again.status_code == 304


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2098, 1, 1), timezones=st.just(UTC)
)


@given(ended=instants)
def test_the_day_an_event_leaves_is_the_first_day_whose_window_excludes_it(ended):
    day = left_on(ended)
    assert day.hour == day.minute == day.second == 0
    assert Window(today=day).ended_after > ended
    assert Window(today=day - timedelta(days=1)).ended_after <= ended
    assert day - ended <= timedelta(days=367)
