"""Reminders: VALARMs a day and an hour before each event, only when the URL asks (alarms=1)."""

from datetime import UTC, datetime, timedelta

from tests.fixtures import private_feed_path
from tests.tools.calendars import alarms_by_parser, every_parser, lint

DAY, HOUR = -24 * 3600, -3600


async def test_reminders_only_when_asked_and_read_alike_by_every_parser(client, add_event):
    await add_event(uid="lecture@fangzha-test", title="防范养老诈骗讲座,村委会")
    await add_event(
        uid="series@fangzha-test",
        title="每周二 厅堂微沙龙",
        kind="salon",
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=3),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    await add_event(
        uid="cancelled@fangzha-test",
        title="暴雨取消",
        status="cancelled",
        sequence=1,
        cancelled_at=datetime.now(UTC) - timedelta(days=1),
    )

    plain = await client.get("/calendar.ics")
    assert plain.status_code == 200
    lint(plain.content)  # no VALARM at all without alarms=1
    assert (await client.get("/calendar.ics", params={"alarms": "0"})).content == plain.content

    asked = await client.get("/calendar.ics", params={"alarms": "1"})
    assert asked.status_code == 200
    lint(asked.content, alarms=True)
    every_parser(asked.text)
    expected = {
        "lecture@fangzha-test": [
            ("DISPLAY", DAY, "防范养老诈骗讲座,村委会"),
            ("DISPLAY", HOUR, "防范养老诈骗讲座,村委会"),
        ],
        "series@fangzha-test": [
            ("DISPLAY", DAY, "每周二 厅堂微沙龙"),
            ("DISPLAY", HOUR, "每周二 厅堂微沙龙"),
        ],
        # Nobody is called to a lecture that will not take place.
        "cancelled@fangzha-test": [],
    }
    for parser, reading in alarms_by_parser(asked.text).items():
        assert reading == expected, parser
    # Two cached variants, each with its own validator.
    assert asked.headers["etag"] != plain.headers["etag"]
    again = await client.get(
        "/calendar.ics", params={"alarms": "1"}, headers={"If-None-Match": asked.headers["etag"]}
    )
    assert again.status_code == 304


async def test_reminders_on_the_private_feed_and_the_single_event_file(client, world, add_event):
    await add_event(uid="internal@fangzha-test", title="内部培训", visibility="internal")
    path = await private_feed_path(client, world, "staff_lk")
    private = await client.get(path, params={"alarms": "1"})
    assert private.status_code == 200
    lint(private.content, alarms=True)
    for parser, reading in alarms_by_parser(private.text).items():
        assert [a[1] for a in reading["internal@fangzha-test"]] == [DAY, HOUR], parser

    public = await add_event(uid="one@fangzha-test", title="单场讲座")
    single = await client.get(f"/events/{public}.ics", params={"alarms": "1"})
    assert single.status_code == 200
    lint(single.content, alarms=True)
    assert alarms_by_parser(single.text)["icalendar"]["one@fangzha-test"][0][1] == DAY
    lint((await client.get(f"/events/{public}.ics")).content)


async def test_reminder_flag_must_be_0_or_1_and_links_carry_it(client, world, add_event):
    event = await add_event()
    for path in ("/calendar.ics", f"/events/{event}.ics"):
        bad = await client.get(path, params={"alarms": "sometimes"})
        assert bad.status_code == 400, path
        assert "alarms" in bad.json()["detail"]
    links = (await client.get("/api/feeds/links", params={"branch": "NJ", "alarms": "1"})).json()
    assert links["https_url"] == "http://testserver/calendar.ics?branch=NJ&alarms=1"
    assert links["webcal_url"] == "webcal://testserver/calendar.ics?branch=NJ&alarms=1"
    followed = await client.get(links["https_url"])
    lint(followed.content, alarms=True)
