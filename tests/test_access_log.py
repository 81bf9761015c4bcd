"""The server's own log never shows a private feed token (a real `fangzha serve`)."""

from urllib.parse import urlsplit

import httpx

from tests.tools.server import production_env, request_lines, serving


async def _request_a_private_feed(world, base: str) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        me = await client.get("/api/users/me", headers=world.auth("staff_lk"))
        path = urlsplit(me.json()["private_calendar_url"]).path
        token = path.rsplit("/", 1)[1].removesuffix(".ics")
        assert (await client.get(path)).status_code == 200
        assert (await client.get(path, params={"alarms": "1"})).status_code == 200
        assert (await client.get(f"{path[:-4]}x.ics")).status_code == 404
        assert (await client.get("/health")).status_code == 200
    return token


async def test_private_feed_tokens_never_reach_the_request_log(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log) as base:
        token = await _request_a_private_feed(world, base)
    written = log.read_text()
    # The request log is on, and shows these requests without the token.
    seen = [(line["method"], line["path"], line["status"]) for line in request_lines(log)]
    assert ("GET", "/health", 200) in seen
    assert seen.count(("GET", "/calendar/private/[token]", 200)) == 2
    assert ("GET", "/calendar/private/[token]", 404) in seen
    assert token not in written
    assert token[:12] not in written


async def test_private_feed_tokens_never_reach_the_plain_access_log(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log, "--no-request-log") as base:
        token = await _request_a_private_feed(world, base)
    written = log.read_text()
    # Granian's access log is on instead, and shows these requests without the token.
    assert '"GET /health HTTP/1.1" 200' in written
    assert written.count('"GET /calendar/private/[token] HTTP/1.1" 200') == 2
    assert '"GET /calendar/private/[token] HTTP/1.1" 404' in written
    assert not request_lines(log)
    assert token not in written
    assert token[:12] not in written
