"""The public, per-event and private calendar feeds, read by four independent parsers."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.exports.conftest import client_of, now_utc
from tests.tools.calendars import every_parser, icaljs, lint, with_icalendar


async def _feed(
    client: httpx.AsyncClient, path: str = "/calendar.ics", **params: Any
) -> httpx.Response:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    lint(response.content)
    return response


async def _private_token(client: httpx.AsyncClient, world: Any, username: str) -> str:
    me = await client.get("/api/users/me", headers=world.auth(username))
    return urlsplit(me.json()["private_calendar_url"]).path.split("/")[-1].removesuffix(".ics")


async def test_public_feed_parses_alike_everywhere(client, add_event):
    single = await add_event(title="“3·15”防范电信网络诈骗专题讲座")
    weekly = await add_event(
        title="厅堂微沙龙",
        kind="salon",
        starts_at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
        rrule="FREQ=WEEKLY;COUNT=6",
        exdates=["2026-12-15T06:00:00+00:00"],
    )
    response = await _feed(client)
    readings = every_parser(response.text)
    assert len(readings["icalendar"]) == 2
    body = response.text
    for prop in ("PRODID:", "CALSCALE:GREGORIAN", "X-WR-TIMEZONE:Asia/Shanghai"):
        assert prop in body
    assert "DTSTART;TZID=Asia/Shanghai:20261210T100000" in body
    assert f"URL:http://testserver/events/{single}" in body
    assert "CATEGORIES:lecture" in body
    assert "STATUS:CONFIRMED" in body
    # One VEVENT for the series; ical.js expands it without the cancelled week.
    js = {e["summary"]: e for e in icaljs(body)["events"]}
    occurrences = js["厅堂微沙龙"]["occurrences"]
    assert len(occurrences) == 5
    assert "2026-12-15T06:00:00.000Z" not in occurrences
    assert "2026-12-22T06:00:00.000Z" in occurrences
    assert str(weekly) in body


async def test_dtstamp_is_the_last_change_and_bytes_repeat(client, add_event):
    changed = datetime(2026, 11, 2, 3, 4, 5, 678, tzinfo=UTC)
    await add_event(updated_at=changed)
    first = await _feed(client)
    second = await _feed(client)
    assert first.content == second.content
    assert "DTSTAMP:20261102T030405Z" in first.text
    assert "LAST-MODIFIED:20261102T030405Z" in first.text
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["cache-control"].startswith("public")


async def test_drafts_are_in_no_feed_and_internal_only_in_private(client, world, add_event):
    await add_event(title="公开讲座")
    await add_event(title="内部培训", visibility="internal")
    await add_event(title="草稿活动", status="draft")
    await add_event(title="泸水内部", visibility="internal", branch=world.branches["NJ-LS"])
    public = with_icalendar((await _feed(client)).text)
    assert {s.summary for s in public.values()} == {"公开讲座"}

    token = await _private_token(client, world, "staff_lk")
    private = await _feed(client, f"/calendar/private/{token}.ics")
    seen = {s.summary for s in every_parser(private.text)["icalendar"].values()}
    assert seen == {"公开讲座", "内部培训"}
    assert private.text.count("CLASS:PRIVATE") == 1
    assert private.headers["cache-control"].startswith("private")


async def test_rotated_token_and_inactive_user_get_404(client, world, add_event):
    await add_event()
    old = await _private_token(client, world, "staff_lk")
    rotated = await client.post("/api/users/me/calendar-token", headers=world.auth("staff_lk"))
    assert rotated.status_code in (200, 201)
    assert (await client.get(f"/calendar/private/{old}.ics")).status_code == 404
    new = await _private_token(client, world, "staff_lk")
    assert (await client.get(f"/calendar/private/{new}.ics")).status_code == 200
    assert (await client.get("/calendar/private/not-a-token-at-all.ics")).status_code == 404

    patch = await client.patch(
        f"/api/users/{world.users['staff_lk']}", json={"active": False}, headers=world.auth("admin")
    )
    assert patch.status_code == 200
    gone = await client.get(f"/calendar/private/{new}.ics")
    assert gone.status_code == 404
    assert gone.json()["detail"]


async def test_single_event_file(client, add_event):
    shown = await add_event(title="单场讲座")
    draft = await add_event(status="draft")
    internal = await add_event(visibility="internal")
    response = await _feed(client, f"/events/{shown}.ics")
    seen = every_parser(response.text)["icalendar"]
    assert [s.summary for s in seen.values()] == ["单场讲座"]
    for hidden in (draft, internal, 999999):
        assert (await client.get(f"/events/{hidden}.ics")).status_code == 404
    assert (await client.get("/events/abc.ics")).status_code == 404


async def test_filters_narrow_the_feed(client, world, add_event):
    from events.tables import Campaign

    rows = await Campaign.insert(
        Campaign(
            name="金融教育宣传周",
            theme="finance_education_week",
            starts_on=datetime(2026, 12, 1).date(),
            ends_on=datetime(2026, 12, 31).date(),
            branch=world.branches["NJ"],
            created_at=now_utc(),
            updated_at=now_utc(),
        )
    ).returning(Campaign.id)
    campaign = rows[0]["id"]
    await add_event(title="A", branch=world.branches["NJ-LK-A"], languages=["zh", "lis"])
    await add_event(title="B", branch=world.branches["NJ-LS"], kind="salon", campaign=campaign)
    await add_event(title="C", branch=world.branches["NJ"], audiences=["elderly", "rural"])

    async def titles(**params: Any) -> set[str]:
        text = (await _feed(client, **params)).text
        return {s.summary for s in with_icalendar(text).values()}

    assert await titles(branch="NJ-LK") == {"A"}
    assert await titles(branch="NJ") == {"A", "B", "C"}
    assert await titles(campaign=campaign) == {"B"}
    assert await titles(kind="salon") == {"B"}
    assert await titles(language="lis") == {"A"}
    assert await titles(audience="elderly") == {"C"}
    assert "CATEGORIES:salon,finance_education_week" in (await _feed(client, kind="salon")).text

    assert (await client.get("/calendar.ics", params={"branch": "NOPE"})).status_code == 404
    assert (await client.get("/calendar.ics", params={"campaign": 99999})).status_code == 404
    bad_kind = await client.get("/calendar.ics", params={"kind": "party"})
    assert bad_kind.status_code in (400, 422)
    assert "kind" in bad_kind.json()["detail"]
    bad_language = await client.get("/calendar.ics", params={"language": "%"})
    assert bad_language.status_code in (400, 422)
    assert (await client.get("/calendar.ics", params={"campaign": "x"})).status_code == 400


async def test_cancelled_events_stay_30_days_with_higher_sequence(client, world, add_event):
    kept = await add_event(title="暴雨取消", sequence=2)
    old = await add_event(
        title="早已取消",
        status="cancelled",
        sequence=3,
        cancelled_at=now_utc() - timedelta(days=31),
        updated_at=now_utc() - timedelta(days=31),
    )
    before = with_icalendar((await _feed(client)).text)
    assert {s.summary for s in before.values()} == {"暴雨取消"}
    (uid,) = before
    assert before[uid].sequence == 2

    cancel = await client.post(
        f"/api/events/{kept}/cancel", json={"reason": "暴雨"}, headers=world.auth("coord")
    )
    assert cancel.status_code in (200, 201), cancel.text
    after = every_parser((await _feed(client)).text)
    for name in ("icalendar", "ical", "ical.js"):
        assert after[name][uid].status.upper() == "CANCELLED", name
        assert after[name][uid].sequence > 2, name
    assert len(after["icalendar"]) == 1  # the one cancelled 31 days ago stays out
    assert (await client.get(f"/events/{old}.ics")).status_code == 200  # still its own file


async def test_non_shanghai_zone_has_rrule_vtimezone(client, add_event):
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2027, 3, 20, 18, 0, tzinfo=berlin)  # the week before DST starts
    await add_event(
        title="Info-Abend in Berlin",
        timezone="Europe/Berlin",
        starts_at=start.astimezone(UTC),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    await add_event(title="上海")
    body = (await _feed(client)).text
    assert "DTSTART;TZID=Europe/Berlin:20270320T180000" in body
    zone = body.split("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin", 1)[1].split("END:VTIMEZONE")[0]
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone
    assert "RDATE" not in zone
    shanghai = body.split("TZID:Asia/Shanghai", 1)[1].split("END:VTIMEZONE")[0]
    assert shanghai.count("BEGIN:STANDARD") == 1
    assert "DAYLIGHT" not in shanghai
    every_parser(body)
    # Across the change to summer time the local hour stays 18:00 (16:00 UTC after).
    js = next(e for e in icaljs(body)["events"] if e["summary"] == "Info-Abend in Berlin")
    assert js["occurrences"] == [
        "2027-03-20T17:00:00.000Z",
        "2027-03-27T17:00:00.000Z",
        "2027-04-03T16:00:00.000Z",
    ]


def test_public_url_with_line_breaks_is_refused_at_start(monkeypatch):
    from app.factory import create_app

    monkeypatch.setenv("FANGZHA_PUBLIC_URL", "https://fz.example\r\nBEGIN:VALARM\r\nX:")
    with pytest.raises(ValueError, match="FANGZHA_PUBLIC_URL"):
        create_app()


async def test_public_url_with_line_breaks_cannot_inject(add_event):
    from app.factory import create_app
    from app.settings import Settings

    # Settings made by hand skip the start-up check; the feed must still hold.
    settings = Settings.from_env()
    hostile = Settings(
        **{**settings.__dict__, "public_url": "https://fz.example\r\nBEGIN:VALARM\r\nX:"}
    )
    event = await add_event()
    async with client_of(create_app(hostile)) as client:
        response = await _feed(client)
    assert f"URL:https://fz.exampleBEGIN:VALARMX:/events/{event}" in response.text
    assert "\r\nBEGIN:VALARM" not in response.text


async def test_empty_feed_is_still_a_valid_calendar(client, world):
    response = await _feed(client)
    assert every_parser(response.text)["icalendar"] == {}
    assert "BEGIN:VEVENT" not in response.text
    assert "X-WR-CALNAME:防诈宣传活动" in response.text
