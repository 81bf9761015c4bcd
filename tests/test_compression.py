"""Pages, JSON and text above a size leave compressed; what is compressed already, never twice."""

import gzip
from datetime import UTC, datetime, timedelta
from typing import Any

import brotli
import httpx
import pytest

from app.compression import MINIMUM_SIZE, compressible


async def raw(client: httpx.AsyncClient, method: str, path: str, **kw: Any) -> httpx.Response:
    """The response with its body as it went over the wire (not decoded)."""
    async with client.stream(method, path, **kw) as response:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    return response


def decoded(response: httpx.Response) -> bytes:
    coding = response.headers.get("content-encoding")
    if coding == "gzip":
        return gzip.decompress(response.content)
    if coding == "br":
        return brotli.decompress(response.content)
    assert coding is None, coding
    return response.content


async def public_event(client: httpx.AsyncClient, world: Any) -> int:
    start = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    created = await client.post(
        "/api/events",
        headers=world.auth("coord_lk"),
        json={
            "title": "六库支行反诈讲座",
            "kind": "lecture",
            "branch_id": world.branches["NJ-LK"],
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": {"name": "六库支行营业厅", "venue_type": "branch_hall"},
            "status": "scheduled",
            "visibility": "public",
        },
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.mark.parametrize(
    ("accept", "coding"),
    [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip"), ("identity", None)],
)
async def test_pages_and_json_are_compressed_in_the_coding_offered(client, world, accept, coding):
    for path in ("/login", "/schema/openapi.json", "/static/site.css"):
        plain = await raw(client, "GET", path, headers={"Accept-Encoding": "identity"})
        assert len(plain.content) > MINIMUM_SIZE, path
        got = await raw(client, "GET", path, headers={"Accept-Encoding": accept})
        assert got.status_code == 200
        assert got.headers.get("content-encoding") == coding, path
        assert decoded(got) == plain.content, path
        if coding:
            assert "accept-encoding" in got.headers["vary"].lower()
            assert len(got.content) < len(plain.content)
    # Signed in, the API's JSON as well.
    me = await raw(
        client,
        "GET",
        "/api/events?limit=100",
        headers={"Accept-Encoding": accept, **world.auth("coord_lk")},
    )
    assert me.status_code == 200


async def test_small_answers_and_binary_files_stay_as_they_are(client, world):
    small = await raw(client, "GET", "/health", headers={"Accept-Encoding": "gzip, br"})
    assert len(small.content) < MINIMUM_SIZE
    assert "content-encoding" not in small.headers
    xlsx = await raw(
        client,
        "GET",
        "/api/exports/events.xlsx",
        headers={"Accept-Encoding": "gzip, br", **world.auth("coord_lk")},
    )
    assert xlsx.status_code == 200
    assert "content-encoding" not in xlsx.headers  # a zip file already
    assert xlsx.content.startswith(b"PK")
    # A streamed CSV export is compressed as it streams, to the same rows.
    await public_event(client, world)
    auth = world.auth("coord_lk")
    plain = await raw(
        client, "GET", "/api/exports/events.csv", headers={"Accept-Encoding": "identity", **auth}
    )
    packed = await raw(
        client, "GET", "/api/exports/events.csv", headers={"Accept-Encoding": "gzip", **auth}
    )
    assert packed.headers["content-encoding"] == "gzip"
    assert decoded(packed) == plain.content
    assert "六库支行反诈讲座" in plain.content.decode("utf-8-sig")


async def test_feeds_and_vendored_files_are_compressed_once(client, world):
    event_id = await public_event(client, world)
    for path in ("/calendar.ics", f"/events/{event_id}.ics", "/static/vendor/htmx/htmx.min.js"):
        for accept, coding in (("gzip", "gzip"), ("br, gzip", "br")):
            got = await raw(client, "GET", path, headers={"Accept-Encoding": accept})
            assert got.status_code == 200, path
            assert got.headers["content-encoding"] == coding, path
            assert got.headers["vary"] == "Accept-Encoding", path
            body = decoded(got)  # one decompression gives the file itself
            assert body.startswith((b"BEGIN:VCALENDAR", b"var htmx", b"(function")), body[:40]
        head = await raw(client, "HEAD", "/calendar.ics", headers={"Accept-Encoding": "gzip"})
        assert head.headers["content-encoding"] == "gzip"
        assert head.content == b""
    # The event's own page shares its route with the .ics file; it still renders.
    page = await client.get(f"/events/{event_id}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert "六库支行反诈讲座" in page.text


def test_what_counts_as_text():
    for kind in ("text/html; charset=utf-8", "application/json", "application/problem+json"):
        assert compressible(kind), kind
    assert compressible("image/svg+xml")
    assert compressible("application/vnd.oai.openapi+json")
    for kind in (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
        "application/zip",
        "",
    ):
        assert not compressible(kind), kind
