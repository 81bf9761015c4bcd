"""Calendar import from an address or an upload: drafts, dedup by UID, update rules, refusals."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.fixtures import detail_of


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}

    def do_GET(self) -> None:
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"not here", 0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, dict]]:
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def private_fetch(app):
    """The settings FANGZHA_ALLOW_PRIVATE_FETCH=1, FANGZHA_FETCH_TIMEOUT_SECONDS=0.5 and
    FANGZHA_FETCH_MAX_BYTES=200000 give (settings are read once, when the app starts)."""
    from dataclasses import replace

    from events.ics_fetch import FetchLimits

    limits = FetchLimits(timeout_seconds=0.5, max_bytes=200_000, allow_private=True)
    app.state["settings"] = replace(app.state["settings"], fetch_limits=limits)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(*events: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Police//Anti-fraud//ZH",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        *events,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def vevent(
    uid: str,
    title: str,
    sequence: int = 0,
    last_modified: str = "20261101T000000Z",
    extra: tuple[str, ...] = (),
) -> str:
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261101T000000Z",
            f"LAST-MODIFIED:{last_modified}",
            f"SEQUENCE:{sequence}",
            f"SUMMARY:{title}",
            *(
                extra
                or (
                    "DTSTART;TZID=Asia/Shanghai:20261215T100000",
                    "DTEND;TZID=Asia/Shanghai:20261215T113000",
                )
            ),
            "LOCATION:泸水市派出所会议室",
            "DESCRIPTION:公安民警讲解新型电信诈骗手法\\n欢迎参加",
            "CATEGORIES:lecture",
            "END:VEVENT",
        ]
    )


SERIES = (
    "DTSTART;TZID=Europe/Berlin:20270104T180000",
    "DTEND;TZID=Europe/Berlin:20270104T190000",
    "RRULE:FREQ=WEEKLY;COUNT=4",
    "EXDATE;TZID=Europe/Berlin:20270111T180000",
)


async def _import_url(
    client: httpx.AsyncClient, world: Any, url: str, user: str = "coord"
) -> httpx.Response:
    return await client.post("/api/imports/calendar", json={"url": url}, headers=world.auth(user))


async def _events() -> list[dict[str, Any]]:
    from events.tables import Event

    return await Event.select(
        Event.uid,
        Event.title,
        Event.status,
        Event.branch,
        Event.sequence,
        Event.timezone,
        Event.starts_at,
        Event.rrule,
        Event.exdates,
        Event.updated_at,
    ).order_by(Event.uid)


async def test_import_creates_drafts_then_dedups_and_updates_only_newer(
    client, world, server, private_fetch
):
    base, routes = server
    routes["/police.ics"] = (
        200,
        {"Content-Type": "text/calendar"},
        ics(vevent("a@police", "反诈讲座"), vevent("b@police", "德国系列", extra=SERIES)),
        0,
    )
    first = await _import_url(client, world, f"{base}/police.ics")
    assert first.status_code == 200, first.text
    assert first.json() | {"events": None} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "events": None,
    }
    rows = await _events()
    assert [r["status"] for r in rows] == ["draft", "draft"]
    assert {r["branch"] for r in rows} == {world.branches["NJ"]}
    series = rows[1]
    assert series["timezone"] == "Europe/Berlin"
    assert series["rrule"] == "FREQ=WEEKLY;COUNT=4"
    assert series["starts_at"] == datetime(2027, 1, 4, 17, 0, tzinfo=UTC)
    assert "2027-01-11T17:00:00+00:00" in series["exdates"]
    # Drafts are in no feed.
    assert "反诈讲座" not in (await client.get("/calendar.ics")).text

    again = await _import_url(client, world, f"{base}/police.ics")
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)

    later = stamp(datetime.now(UTC) + timedelta(minutes=1))
    routes["/police.ics"] = (
        200,
        {},
        ics(
            vevent("a@police", "反诈讲座(改期)", sequence=1),
            vevent("b@police", "德国系列(旧的改动)", extra=SERIES),
            vevent("c@police", "新活动"),
        ),
        0,
    )
    third = (await _import_url(client, world, f"{base}/police.ics")).json()
    assert (third["created"], third["updated"], third["unchanged"]) == (1, 1, 1)
    titles = {r["uid"]: r["title"] for r in await _events()}
    assert titles == {"a@police": "反诈讲座(改期)", "b@police": "德国系列", "c@police": "新活动"}

    routes["/police.ics"] = (
        200,
        {},
        ics(vevent("b@police", "德国系列(新的改动)", last_modified=later, extra=SERIES)),
        0,
    )
    fourth = (await _import_url(client, world, f"{base}/police.ics")).json()
    assert fourth["updated"] == 1
    titles = {r["uid"]: r["title"] for r in await _events()}
    assert titles["b@police"] == "德国系列(新的改动)"


async def test_upload_into_a_sub_branch(client, world):
    body = ics(vevent("up@police", "上传的活动"))
    response = await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", body, "text/calendar")},
        data={"branch_id": str(world.branches["NJ-LK-A"])},
        headers=world.auth("coord_lk"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1
    (row,) = await _events()
    assert row["branch"] == world.branches["NJ-LK-A"]
    assert row["title"] == "上传的活动"

    outside = await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", ics(vevent("x@police", "x")), "text/calendar")},
        data={"branch_id": str(world.branches["NJ-LS"])},
        headers=world.auth("coord_lk"),
    )
    assert outside.status_code == 403
    assert detail_of(outside)

    mine = await client.post(
        "/api/imports/calendar",
        files={"file": ("p.ics", ics(vevent("new@police", "新"), vevent("up@police", "同")), "x")},
        headers=world.auth("coord_lk"),
    )
    assert (mine.json()["created"], mine.json()["unchanged"]) == (1, 1)

    # A UID that lives in a branch the importer may not see is neither updated nor
    # revealed: the importer gets an event of their own (tests/events/test_import_rules.py).
    ls = await client.post(
        "/api/imports/calendar",
        files={"file": ("p.ics", ics(vevent("ls@police", "泸水")), "x")},
        data={"branch_id": str(world.branches["NJ-LS"])},
        headers=world.auth("coord"),
    )
    assert ls.status_code == 200
    theirs = await client.post(
        "/api/imports/calendar",
        files={
            "file": ("p.ics", ics(vevent("new2@police", "新2"), vevent("ls@police", "抢")), "x")
        },
        headers=world.auth("coord_lk"),
    )
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["created"] == 2
    titles = {r["uid"]: r["title"] for r in await _events()}
    assert titles["ls@police"] == "泸水"
    assert "抢" in titles.values()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"hello, I am not a calendar", "BEGIN:VCALENDAR"),
        (b"\xff\xfe\x00broken", "UTF-8"),
        (
            ics(
                vevent("ok@police", "好的"),
                vevent("bad@police", "坏的", extra=("DTSTART:2026-13-45",)),
            ),
            "坏的",
        ),
        (ics(vevent("", "没有UID")), "UID"),
        (ics(vevent("dup@police", "一"), vevent("dup@police", "二")), "twice"),
        (
            ics(
                vevent(
                    "end@police",
                    "倒着",
                    extra=("DTSTART:20261215T100000Z", "DTEND:20261215T090000Z"),
                )
            ),
            # Each event is refused with the reason POST /api/events gives.
            "ends_at must be after starts_at",
        ),
        (ics(vevent("rule@police", "规则", extra=(*SERIES[:2], "RRULE:FREQ=SOMETIMES"))), "RRULE"),
        (
            ics(
                vevent("many@police", "太多", extra=(*SERIES[:2], "RRULE:FREQ=DAILY;COUNT=999999"))
            ),
            "COUNT must be a whole number from 1 to 1000",
        ),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "broken"),
    ],
)
async def test_broken_file_creates_nothing(client, world, content, words):
    good_first = ics(vevent("fine@police", "先导入的"))
    assert (
        await client.post(
            "/api/imports/calendar",
            files={"file": ("ok.ics", good_first, "text/calendar")},
            headers=world.auth("coord"),
        )
    ).status_code == 200
    response = await client.post(
        "/api/imports/calendar",
        files={"file": ("bad.ics", content, "text/calendar")},
        headers=world.auth("coord"),
    )
    assert 400 <= response.status_code < 500, response.text
    assert words in detail_of(response)
    assert [r["uid"] for r in await _events()] == ["fine@police"]


async def test_oversized_response_is_refused(client, world, server, private_fetch):
    base, routes = server
    huge = ics(*[vevent(f"h{n}@police", "大" * 60) for n in range(600)])
    assert len(huge) > 200_000
    routes["/huge.ics"] = (
        200,
        {},
        huge,
        0,
    )  # no Content-Length: the limit is counted as it streams
    routes["/declared.ics"] = (200, {"Content-Length": str(len(huge))}, huge, 0)
    for path in ("/huge.ics", "/declared.ics"):
        response = await _import_url(client, world, f"{base}{path}")
        assert response.status_code == 422
        assert "larger than" in detail_of(response)
    assert await _events() == []


async def test_slow_server_times_out(client, world, server, private_fetch):
    base, routes = server
    routes["/slow.ics"] = (200, {}, ics(vevent("slow@police", "慢")), 2.0)
    response = await _import_url(client, world, f"{base}/slow.ics")
    assert response.status_code == 422
    assert "did not answer within 0.5 seconds" in detail_of(response)
    assert await _events() == []


async def test_redirects_are_followed_and_errors_named(client, world, server, private_fetch):
    base, routes = server
    routes["/moved"] = (302, {"Location": "/police.ics", "Content-Length": "0"}, b"", 0)
    routes["/police.ics"] = (200, {}, ics(vevent("r@police", "跳转后")), 0)
    assert (await _import_url(client, world, f"{base}/moved")).json()["created"] == 1
    missing = await _import_url(client, world, f"{base}/nothing.ics")
    assert missing.status_code == 422
    assert "HTTP 404" in detail_of(missing)


async def test_private_addresses_refused_when_the_setting_is_off(
    client, world, server, monkeypatch
):
    monkeypatch.delenv("FANGZHA_ALLOW_PRIVATE_FETCH", raising=False)
    base, routes = server
    routes["/police.ics"] = (200, {}, ics(vevent("p@police", "内网")), 0)
    for url in (
        f"{base}/police.ics",
        "http://localhost:9/x.ics",
        "http://10.1.2.3/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.ics",
        "http://[::ffff:127.0.0.1]/x.ics",
    ):
        response = await _import_url(client, world, url)
        assert response.status_code == 422, url
        assert "private, loopback or link-local" in detail_of(response), url
    for url in ("http://[nope/x.ics", "http://example.com:99999/x", "http://"):
        response = await _import_url(client, world, url)
        assert response.status_code == 422, url
        assert detail_of(response)
    for url in ("file:///etc/passwd", "ftp://example.com/x.ics", "webcal:///x"):
        response = await _import_url(client, world, url)
        assert response.status_code == 422
        assert "http://" in detail_of(response)
    assert await _events() == []


async def test_raw_ics_body(client, world):
    response = await client.post(
        "/api/imports/calendar",
        params={"branch_id": world.branches["NJ-LS"]},
        content=ics(vevent("raw@police", "直接上传")),
        headers={**world.auth("coord"), "Content-Type": "text/calendar; charset=utf-8"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1
    (row,) = await _events()
    assert (row["uid"], row["branch"]) == ("raw@police", world.branches["NJ-LS"])


async def test_rights_and_bad_bodies(client, world):
    body = {"url": "https://example.com/x.ics"}
    assert (await client.post("/api/imports/calendar", json=body)).status_code == 401
    staff = await client.post("/api/imports/calendar", json=body, headers=world.auth("staff_lk"))
    assert staff.status_code == 403
    unknown = await client.post(
        "/api/imports/calendar", json={"url": "x", "extra": 1}, headers=world.auth("coord")
    )
    assert unknown.status_code in (400, 422)
    assert detail_of(unknown)
    not_json = await client.post(
        "/api/imports/calendar",
        content=b"{nope",
        headers={**world.auth("coord"), "Content-Type": "application/json"},
    )
    assert not_json.status_code in (400, 422)
    no_file = await client.post(
        "/api/imports/calendar",
        data={"other": "x"},
        files={"x": ("a", b"b")},
        headers=world.auth("coord"),
    )
    assert no_file.status_code == 422
    assert "file" in detail_of(no_file)


async def test_connections_go_only_to_checked_addresses(server):
    # The check runs again when the client connects, on the address it then uses,
    # so a DNS answer that changes after the first check cannot reach a private host.
    from core.errors import Unprocessable
    from events.ics_fetch import CheckedBackend

    base, _ = server
    port = int(base.rsplit(":", 1)[1])
    with pytest.raises(Unprocessable, match="private, loopback"):
        await CheckedBackend(allow_private=False).connect_tcp("localhost", port)
    stream = await CheckedBackend(allow_private=True).connect_tcp("localhost", port)
    await stream.aclose()
