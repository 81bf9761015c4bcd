"""Feed bytes compressed once per build, served from the cache in the coding a client takes."""

import gzip
import json
from datetime import UTC, datetime, timedelta

import brotli
import httpx
import pytest

from exports.feed_encoding import chosen_coding
from tests.exports.conftest import client_of
from tests.tools.calendars import lint


async def _get(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    """A GET whose Accept-Encoding is exactly what the test says (none when not given)."""
    request = client.build_request("GET", path, headers=headers)
    if "Accept-Encoding" not in headers:
        del request.headers["Accept-Encoding"]
    return await client.send(request)


async def _seed(world, count: int) -> None:
    from accounts.feed_version import bump_feed_version
    from events.tables import Event

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    rows = [
        Event(
            uid=f"bulk-{n}@fangzha-test",
            title=f"防范电信网络诈骗专题讲座 第{n}场",
            kind="lecture",
            branch=world.branches["NJ-LK"],
            venue_name="六库支行营业厅",
            venue_address="云南省怒江傈僳族自治州泸水市六库街道向阳路",
            venue_type="branch_hall",
            starts_at=start + timedelta(hours=7 * n),
            ends_at=start + timedelta(hours=7 * n, minutes=90),
            timezone="Asia/Shanghai",
            rrule="FREQ=WEEKLY;COUNT=6" if n % 10 == 0 else None,
            languages=json.dumps(["zh", "lis"]),
            audiences=json.dumps(["elderly"]),
            host="余春梅",
            description="识别刷单返利、虚假投资理财、冒充公检法等常见骗局。",
            status="scheduled",
            visibility="public",
            sequence=n % 3,
            created_at=start,
            updated_at=start + timedelta(seconds=n),
        )
        for n in range(count)
    ]
    for first in range(0, count, 500):
        await Event.insert(*rows[first : first + 500])
    await bump_feed_version()


async def test_5000_event_feed_is_sent_gzip_from_the_cache_at_most_15_percent(
    client, world, monkeypatch
):
    await _seed(world, 5000)
    plain = await _get(client, "/calendar.ics")
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers  # no Accept-Encoding: identity
    assert plain.content.count(b"BEGIN:VEVENT") == 5000
    lint(plain.content)

    import exports.feed_build
    import exports.feed_cache

    def refuse(*args, **kwargs):
        raise AssertionError("served from the cache: nothing is built or compressed again")

    monkeypatch.setattr(exports.feed_cache, "build_feed", refuse)
    monkeypatch.setattr(exports.feed_build, "compress", refuse)
    for _ in range(2):
        async with client.stream(
            "GET", "/calendar.ics", headers={"Accept-Encoding": "gzip"}
        ) as response:
            wire = b"".join([chunk async for chunk in response.aiter_raw()])
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["vary"] == "Accept-Encoding"
        assert int(response.headers["content-length"]) == len(wire)
        assert len(wire) <= 0.15 * len(plain.content), (len(wire), len(plain.content))
        assert gzip.decompress(wire) == plain.content


async def test_brotli_when_offered_and_identity_when_nothing_is(client, add_event):
    await add_event(title="讲座")
    plain = await _get(client, "/calendar.ics")
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    lint(plain.content)

    async with client.stream(
        "GET", "/calendar.ics", headers={"Accept-Encoding": "gzip, deflate, br"}
    ) as response:
        wire = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["content-encoding"] == "br"
    assert brotli.decompress(wire) == plain.content

    refused = await _get(client, "/calendar.ics", **{"Accept-Encoding": "gzip;q=0, br;q=0"})
    assert "content-encoding" not in refused.headers
    assert refused.content == plain.content


async def test_etag_per_coding_and_304_for_the_coding_asked(client, add_event):
    await add_event(title="讲座")
    tags = {}
    for coding in ("identity", "gzip", "br"):
        response = await _get(client, "/calendar.ics", **{"Accept-Encoding": coding})
        assert response.status_code == 200
        tags[coding] = response.headers["etag"]
        assert tags[coding].startswith('"')  # strong: the bytes of this coding
    assert len(set(tags.values())) == 3

    for coding, tag in tags.items():
        for sent in (tag, f"W/{tag}", f'"other", {tag}'):
            again = await _get(
                client, "/calendar.ics", **{"Accept-Encoding": coding, "If-None-Match": sent}
            )
            assert again.status_code == 304, (coding, sent)
            assert again.headers["etag"] == tag
            assert again.headers["vary"] == "Accept-Encoding"
            assert again.content == b""
    # A validator of another coding does not validate this one.
    crossed = await _get(
        client, "/calendar.ics", **{"Accept-Encoding": "gzip", "If-None-Match": tags["identity"]}
    )
    assert crossed.status_code == 200
    assert crossed.headers["etag"] == tags["gzip"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZIP;Q=0.5", "gzip"),
        ("gzip, deflate, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("gzip;q=0, br;q=0", "identity"),
        ("identity;q=1, gzip;q=0.5", "identity"),
        ("deflate, compress", "identity"),
        ("gzip;q=nonsense", "identity"),
        ("zstd, gzip;q=0.9", "gzip"),
    ],
)
def test_accept_encoding_choice(accept, chosen):
    assert chosen_coding(accept) == chosen


async def test_litestar_compression_for_pages_leaves_feeds_alone(add_event):
    from litestar.config.compression import CompressionConfig

    from app.factory import create_app
    from exports.feed_responses import ALREADY_COMPRESSED

    # The app as it ships: should page compression be switched on, it must skip the feeds.
    shipped = create_app().compression_config
    assert shipped is None or shipped.exclude_opt_key == ALREADY_COMPRESSED

    event = await add_event(title="讲座")
    app = create_app(
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=100, exclude_opt_key=ALREADY_COMPRESSED
        )
    )
    async with client_of(app) as client:
        plain = await _get(client, "/calendar.ics")
        for path in ("/calendar.ics", f"/events/{event}.ics"):
            async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
                wire = b"".join([chunk async for chunk in response.aiter_raw()])
            assert response.headers["content-encoding"] == "gzip", path
            decoded = gzip.decompress(wire)
            assert decoded.startswith(b"BEGIN:VCALENDAR"), path  # compressed once, not twice
        assert gzip.decompress(wire) != plain.content  # the event file, not the feed
        # Pages still get Litestar's compression.
        page = await client.get("/login", headers={"Accept-Encoding": "gzip"})
        assert page.headers.get("content-encoding") == "gzip"
