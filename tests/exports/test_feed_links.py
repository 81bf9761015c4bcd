"""Subscribe links and the QR code for posters."""

from tests.exports.conftest import app_with_env, client_of


async def test_links_for_a_filtered_feed(client, world):
    response = await client.get("/api/feeds/links", params={"branch": "NJ-LK", "kind": "lecture"})
    assert response.status_code == 200
    body = response.json()
    assert body["subscribe_url"] == "http://testserver/subscribe?branch=NJ-LK&kind=lecture"
    assert body["https_url"] == "http://testserver/calendar.ics?branch=NJ-LK&kind=lecture"
    assert body["webcal_url"] == "webcal://testserver/calendar.ics?branch=NJ-LK&kind=lecture"
    assert body["qr_svg_url"].startswith("http://testserver/api/feeds/qr.svg?branch=NJ-LK")
    feed = await client.get(body["https_url"])
    assert feed.status_code == 200


async def test_links_use_the_public_address(monkeypatch):
    app = app_with_env(monkeypatch, FANGZHA_PUBLIC_URL="https://fangzha.example.cn/")
    async with client_of(app) as client:
        body = (await client.get("/api/feeds/links")).json()
    assert body["subscribe_url"] == "https://fangzha.example.cn/subscribe"
    assert body["https_url"] == "https://fangzha.example.cn/calendar.ics"
    assert body["webcal_url"] == "webcal://fangzha.example.cn/calendar.ics"


async def test_qr_code_is_an_svg_for_posters(client, world):
    # What the code holds is proven by decoding it in tests/pages/test_public_qr.py.
    response = await client.get("/api/feeds/qr.svg", params={"branch": "NJ"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<?xml")
    assert b"<svg" in response.content
    other = await client.get("/api/feeds/qr.svg", params={"branch": "NJ-LK"})
    assert other.content != response.content


async def test_links_refuse_bad_filters(client):
    bad = await client.get("/api/feeds/links", params={"kind": "banquet"})
    assert bad.status_code in (400, 422)
    assert "kind" in bad.json()["detail"]
    bad_qr = await client.get("/api/feeds/qr.svg", params={"audience": "x"})
    assert bad_qr.status_code in (400, 422)
