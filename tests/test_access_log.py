"""The server's own log never shows a private feed token (a real `fangzha serve`)."""

from urllib.parse import urlsplit

import httpx

from tests.tools.server import production_env, serving


async def test_private_feed_tokens_never_reach_the_log(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            me = await client.get("/api/users/me", headers=world.auth("staff_lk"))
            path = urlsplit(me.json()["private_calendar_url"]).path
            token = path.rsplit("/", 1)[1].removesuffix(".ics")
            assert (await client.get(path)).status_code == 200
            assert (await client.get(path, params={"alarms": "1"})).status_code == 200
            assert (await client.get(f"{path[:-4]}x.ics")).status_code == 404
            assert (await client.get("/health")).status_code == 200
    written = log.read_text()
    # The access log is on, and shows these requests without the token.
    assert '"GET /health HTTP/1.1" 200' in written
    assert '"GET /calendar/private/[token] HTTP/1.1" 200' in written
    assert '"GET /calendar/private/[token]?alarms=1 HTTP/1.1" 200' in written
    assert token not in written
    assert token[:12] not in written
