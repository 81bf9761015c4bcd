"""Conditional GET and the feed cache: unchanged polls cost nothing, changes show at once."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from tests.exports.conftest import touch_event


async def test_etag_304_and_change(client, add_event):
    event = await add_event(title="旧标题")
    first = await client.get("/calendar.ics")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    again = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await client.get("/calendar.ics", headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    other = await client.get("/calendar.ics", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200
    assert other.content == first.content

    await touch_event(event, title="新标题", sequence=1)
    changed = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "SUMMARY:新标题" in changed.text
    assert "SEQUENCE:1" in changed.text


async def test_if_modified_since(client, add_event):
    event = await add_event(updated_at=datetime(2026, 11, 1, 8, 0, 0, 500_000, tzinfo=UTC))
    first = await client.get("/calendar.ics")
    last_modified = first.headers["last-modified"]
    assert parsedate_to_datetime(last_modified) == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    same = await client.get("/calendar.ics", headers={"If-Modified-Since": last_modified})
    assert same.status_code == 304
    earlier = format_datetime(datetime(2026, 10, 1, tzinfo=UTC), usegmt=True)
    assert (
        await client.get("/calendar.ics", headers={"If-Modified-Since": earlier})
    ).status_code == 200
    garbage = await client.get("/calendar.ics", headers={"If-Modified-Since": "yesterday-ish"})
    assert garbage.status_code == 200

    await touch_event(event, title="改期")
    after = await client.get("/calendar.ics", headers={"If-Modified-Since": last_modified})
    assert after.status_code == 200
    assert parsedate_to_datetime(after.headers["last-modified"]) > parsedate_to_datetime(
        last_modified
    )
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = await client.get(
        "/calendar.ics",
        headers={"If-None-Match": '"other"', "If-Modified-Since": after.headers["last-modified"]},
    )
    assert both.status_code == 200


async def test_change_outside_a_filtered_feed_keeps_its_bytes(client, world, add_event):
    await add_event(title="六库", branch=world.branches["NJ-LK"])
    other = await add_event(title="泸水", branch=world.branches["NJ-LS"])
    first = await client.get("/calendar.ics", params={"branch": "NJ-LK"})
    await touch_event(other, title="泸水改")
    second = await client.get("/calendar.ics", params={"branch": "NJ-LK"})
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert (
        await client.get(
            "/calendar.ics",
            params={"branch": "NJ-LK"},
            headers={"If-None-Match": first.headers["etag"]},
        )
    ).status_code == 304


async def test_unchanged_poll_reads_no_events(client, add_event, monkeypatch):
    await add_event()
    assert (await client.get("/calendar.ics")).status_code == 200

    import exports.feed_build
    import exports.feed_cache

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged poll must not rebuild the feed")

    monkeypatch.setattr(exports.feed_cache, "build_feed", refuse)
    monkeypatch.setattr(exports.feed_build, "event_bytes", refuse)
    again = await client.get("/calendar.ics")
    assert again.status_code == 200
    assert b"BEGIN:VEVENT" in again.content


async def test_rebuild_reuses_unchanged_events(client, add_event, monkeypatch):
    first = await add_event(title="一")
    await add_event(title="二", starts_at=datetime(2026, 12, 11, tzinfo=UTC))
    assert (await client.get("/calendar.ics")).status_code == 200

    import exports.feed_build
    import exports.ical

    serialised: list[str] = []
    original = exports.ical.event_bytes

    def counting(event, base_url, alarms=False):
        serialised.append(event.title)
        return original(event, base_url, alarms)

    monkeypatch.setattr(exports.feed_build, "event_bytes", counting)
    await touch_event(first, title="一改")
    body = (await client.get("/calendar.ics")).text
    assert serialised == ["一改"]
    assert "SUMMARY:二" in body


async def test_cancelled_window_moves_with_the_day(client, add_event, time_machine):
    cancelled = datetime.now(UTC) - timedelta(days=29)
    await add_event(title="取消", status="cancelled", sequence=1, cancelled_at=cancelled)
    first = await client.get("/calendar.ics")
    assert "SUMMARY:取消" in first.text

    time_machine.move_to(datetime.now(UTC) + timedelta(days=2), tick=True)
    moved = await client.get(
        "/calendar.ics", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert moved.status_code == 200
    assert "SUMMARY:取消" not in moved.text
