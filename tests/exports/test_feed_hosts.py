"""Links, QR codes and cache keys come from our own address, never from a client's Host header."""

import pytest

from tests.exports.conftest import app_with_env, client_of
from tests.tools.calendars import unfolded_lines


def _urls(body: bytes) -> set[str]:
    return {line for line in unfolded_lines(body) if line.startswith("URL:")}


async def test_an_unknown_host_is_refused_with_a_reason(client, add_event):
    event = await add_event()
    for path in ("/calendar.ics", f"/events/{event}.ics", "/api/feeds/links", "/api/users/me"):
        refused = await client.get(path, headers={"Host": "evil.example"})
        assert refused.status_code == 400, path
        assert "host name" in refused.json()["detail"], path
    # Load balancers probe by address; /health carries no link.
    assert (await client.get("/health", headers={"Host": "10.0.0.7:8000"})).status_code == 200


async def test_other_hosts_neither_poison_links_nor_empty_the_cache(client, add_event, monkeypatch):
    event = await add_event()
    first = await client.get("/calendar.ics")
    assert _urls(first.content) == {f"URL:http://testserver/events/{event}"}

    import exports.feed_cache

    def refuse(*args, **kwargs):
        raise AssertionError("the feed was built again")

    monkeypatch.setattr(exports.feed_cache, "build_feed", refuse)
    for number in range(20):
        hostile = await client.get("/calendar.ics", headers={"Host": f"h{number}.evil.example"})
        assert hostile.status_code == 400
    # The same host with other ports or in capitals is the same address: one cached feed.
    for host in ("testserver:1234", "TESTSERVER", "testserver:80"):
        same = await client.get("/calendar.ics", headers={"Host": host})
        assert same.status_code == 200, host
        assert same.content == first.content, host
    links = (await client.get("/api/feeds/links", headers={"Host": "TestServer:4444"})).json()
    assert links["https_url"] == "http://testserver/calendar.ics"


async def test_private_calendar_url_and_qr_ignore_a_forged_port(client, world):
    me = await client.get(
        "/api/users/me", headers={"Host": "testserver:31337", **world.auth("staff_lk")}
    )
    assert me.status_code == 200
    assert me.json()["private_calendar_url"].startswith("http://testserver/calendar/private/")
    from exports.qr import qr_svg

    qr = await client.get("/api/feeds/qr.svg", headers={"Host": "testserver:31337"})
    assert qr.content == qr_svg("http://testserver/subscribe", title="防诈宣传活动日历")


async def test_the_public_url_wins_over_every_host(monkeypatch, world, add_event):
    event = await add_event()
    app = app_with_env(monkeypatch, FANGZHA_PUBLIC_URL="https://fangzha.example.cn/")
    async with client_of(app) as client:
        by_name = await client.get("/calendar.ics")
        by_public_host = await client.get("/calendar.ics", headers={"Host": "fangzha.example.cn"})
        by_loopback = await client.get("/calendar.ics", headers={"Host": "127.0.0.1:8000"})
        assert by_name.content == by_public_host.content == by_loopback.content
        assert by_name.headers["etag"] == by_loopback.headers["etag"]
        assert _urls(by_name.content) == {f"URL:https://fangzha.example.cn/events/{event}"}
        me = await client.get("/api/users/me", headers=world.auth("staff_lk"))
        assert me.json()["private_calendar_url"].startswith(
            "https://fangzha.example.cn/calendar/private/"
        )
        assert (
            await client.get("/calendar.ics", headers={"Host": "evil.example"})
        ).status_code == 400


async def test_allowed_hosts_come_from_the_settings(monkeypatch, add_event):
    await add_event()
    app = app_with_env(monkeypatch, FANGZHA_ALLOWED_HOSTS="fangzha.lan, 10.0.0.5")
    async with client_of(app, base_url="http://fangzha.lan:8000") as client:
        assert (await client.get("/calendar.ics")).status_code == 200
        for host in ("10.0.0.5", "localhost:8000", "127.0.0.1", "[::1]:8000"):
            response = await client.get("/calendar.ics", headers={"Host": host})
            assert response.status_code == 200, host
        assert (
            await client.get("/calendar.ics", headers={"Host": "testserver"})
        ).status_code == 400
        assert (
            await client.get("/calendar.ics", headers={"Host": "fangzha.lan.evil"})
        ).status_code == 400


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FANGZHA_ALLOWED_HOSTS", "*"),
        ("FANGZHA_ALLOWED_HOSTS", "*.example.cn"),
        ("FANGZHA_PUBLIC_URL", "fangzha.example.cn"),
        ("FANGZHA_PUBLIC_URL", "ftp://fangzha.example.cn"),
        ("FANGZHA_PUBLIC_URL", "https://fangzha.example.cn/?x=1"),
    ],
)
def test_settings_that_would_let_clients_pick_the_address_stop_the_start(monkeypatch, name, value):
    from app.factory import create_app

    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        create_app()
