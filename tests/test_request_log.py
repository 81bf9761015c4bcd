"""The request log of a real `fangzha serve`: one JSON line per request, and no secrets."""

from datetime import datetime
from urllib.parse import urlsplit

import httpx

from accounts.tokens import SESSION_COOKIE
from tests.fixtures import PASSWORD
from tests.interceptions.conftest import new_body
from tests.tools.server import production_env, request_lines, serving

WRONG_PASSWORD = "not-the-password-Zq7"
PHONE = "13812345678"
ID_CARD = "530102199001011234"


async def test_every_request_is_one_json_line_without_tokens_or_personal_data(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            refused = await client.post(
                "/api/auth/login", json={"username": "staff_lk", "password": WRONG_PASSWORD}
            )
            login = await client.post(
                "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
            )
            token = login.json()["token"]
            cookie = login.cookies[SESSION_COOKIE]
            bearer = {"Authorization": f"Bearer {token}"}
            # From here on the client also sends the session cookie with every request.
            me = await client.get("/api/users/me", headers=bearer)
            feed_path = urlsplit(me.json()["private_calendar_url"]).path
            feed_token = feed_path.rsplit("/", 1)[1].removesuffix(".ics")
            responses = [
                refused,
                login,
                me,
                await client.get(feed_path),
                await client.get(feed_path, params={"alarms": "1"}),
                await client.post(
                    "/api/interceptions",
                    json=new_body(description=f"来电 {PHONE}，身份证 {ID_CARD}"),
                    headers=bearer,
                ),
                await client.get("/api/interceptions", params={"q": PHONE}, headers=bearer),
                await client.get("/no/such/page"),
                await client.delete("/health"),
            ]
    statuses = [response.status_code for response in responses]
    assert statuses == [401, 200, 200, 200, 200, 201, 200, 404, 405], statuses

    lines = request_lines(log)
    by_id = {line["request_id"]: line for line in lines}
    assert len(by_id) == len(lines), "request ids are unique"
    for response in responses:
        line = by_id[response.headers["X-Request-ID"]]
        request = response.request
        assert line["method"] == request.method
        assert line["status"] == response.status_code
        assert line["bytes"] == len(response.content) or "content-encoding" in response.headers
        assert line["duration_ms"] >= 0
        assert datetime.fromisoformat(line["time"]).tzinfo is not None
        # app/log_redaction.py: the token and what follows it in that segment.
        expected_path = "/calendar/private/[token]" if feed_token in request.url.path else None
        assert line["path"] == (expected_path or request.url.path)
        assert set(line) == {
            "time",
            "level",
            "logger",
            "request_id",
            "method",
            "path",
            "status",
            "duration_ms",
            "bytes",
            "worker",
        }
    private = [line for line in lines if line["path"].startswith("/calendar/private/")]
    assert [line["path"] for line in private] == ["/calendar/private/[token]"] * 2

    written = log.read_text()
    for secret in (token, cookie, PASSWORD, WRONG_PASSWORD, feed_token, feed_token[:12]):
        assert secret not in written
    for personal in (PHONE, ID_CARD, "来电", "staff_lk"):
        assert personal not in written
    # No query strings at all, and no second, plain access-log line per request.
    assert "?" not in written
    assert "alarms" not in written
    assert "HTTP/1.1" not in written
