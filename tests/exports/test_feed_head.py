"""HEAD on every feed answers like GET, without a body."""

import pytest

from tests.fixtures import private_feed_path
from tests.tools.calendars import lint

SAME_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "cache-control",
    "vary",
)


@pytest.fixture
async def feed_paths(client, world, add_event) -> list[str]:
    event = await add_event(title="讲座")
    await add_event(title="内部培训", visibility="internal")
    private = await private_feed_path(client, world, "staff_lk")
    return [
        "/calendar.ics",
        "/calendar.ics?branch=NJ&alarms=1",
        f"/events/{event}.ics",
        private,
    ]


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
async def test_head_has_the_headers_of_get_and_no_body(client, feed_paths, coding):
    for path in feed_paths:
        get = await client.get(path, headers={"Accept-Encoding": coding})
        head = await client.head(path, headers={"Accept-Encoding": coding})
        assert get.status_code == head.status_code == 200, path
        lint(get.content, alarms="alarms=1" in path)
        assert head.content == b"", path
        for name in SAME_HEADERS:
            assert head.headers.get(name) == get.headers.get(name), (path, name)
        assert int(head.headers["content-length"]) > 0
        assert head.headers["content-type"] == "text/calendar; charset=utf-8"


async def test_head_revalidates_and_refuses_like_get(client, feed_paths):
    for path in feed_paths:
        etag = (await client.get(path)).headers["etag"]
        head = await client.head(path, headers={"If-None-Match": etag})
        assert head.status_code == 304, path
        assert head.headers["etag"] == etag
    assert (await client.head("/events/999999.ics")).status_code == 404
    assert (await client.head("/calendar/private/not-a-token-at-all.ics")).status_code == 404
    assert (await client.head("/calendar.ics", params={"branch": "NOPE"})).status_code == 404
