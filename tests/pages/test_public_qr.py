"""Every QR code scans (decoded off the screen), and leads each phone to the way that works."""

from datetime import UTC, datetime

import httpx

from tests.pages.public_support import HUAWEI, IPHONE, WECHAT, phone_page, qr_target


async def a_public_event(live_server: str) -> dict:
    async with httpx.AsyncClient(base_url=live_server) as http:
        items = (await http.get("/api/events", params={"limit": 100})).json()["items"]
    scheduled = [e for e in items if e["status"] == "scheduled"]
    assert scheduled
    return scheduled[-1]


async def test_home_qr_decodes_to_the_subscribe_page(live_server, browser, demo):
    page = await phone_page(browser)
    await page.goto(f"{live_server}/")
    assert await qr_target(page) == f"{live_server}/subscribe"
    # The code is drawn whole: its box is square and as large as the CSS makes it.
    box = await page.locator(".qr svg").bounding_box()
    assert box is not None
    assert box["width"] >= 150
    assert abs(box["width"] - box["height"]) < 1


async def test_event_and_branch_pages_carry_their_own_codes(live_server, browser, demo):
    event = await a_public_event(live_server)
    page = await phone_page(browser)
    await page.goto(f"{live_server}/events/{event['id']}")
    assert await qr_target(page) == f"{live_server}/subscribe"
    await page.goto(f"{live_server}/branches/NJ-LK")
    assert await qr_target(page) == f"{live_server}/subscribe?branch=NJ-LK"
    # A filtered home page hands out the filtered feed.
    await page.goto(f"{live_server}/?branch=NJ-FG&language=lis")
    assert await qr_target(page) == f"{live_server}/subscribe?branch=NJ-FG&language=lis"


async def test_an_iphone_gets_the_webcal_subscription(live_server, browser, demo):
    page = await phone_page(browser)
    await page.goto(f"{live_server}/branches/NJ-LK")
    target = await qr_target(page)
    iphone = await phone_page(browser, IPHONE)
    await iphone.goto(target)
    link = iphone.locator("#apple a.button")
    assert await link.is_visible()
    webcal = await link.get_attribute("href")
    assert webcal is not None
    assert webcal.startswith("webcal://")
    assert await iphone.locator("#wechat").count() == 0
    assert await iphone.locator("#android").count() == 0
    async with httpx.AsyncClient() as http:
        feed = await http.get("http://" + webcal.removeprefix("webcal://"))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.startswith("BEGIN:VCALENDAR")
    coming_here = await http_events(live_server, "NJ-LK")
    assert coming_here
    for event in coming_here:
        assert f"UID:{event['uid']}" in feed.text


async def http_events(live_server: str, branch: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=live_server) as http:
        now = datetime.now(UTC).isoformat()
        params = {"branch": branch, "from": now, "limit": 100}
        response = await http.get("/api/events", params=params)
    return [e for e in response.json()["items"] if e["status"] == "scheduled"]


async def test_wechat_is_told_to_open_the_browser(live_server, browser, demo):
    page = await phone_page(browser, WECHAT)
    await page.goto(f"{live_server}/subscribe")
    guidance = page.locator("#wechat")
    assert await guidance.is_visible()
    text = await guidance.inner_text()
    assert "在浏览器打开" in text
    assert "···" in text
    # Neither a webcal link nor a calendar file works inside WeChat: none is offered.
    assert await page.locator("a[href^='webcal:']").count() == 0
    assert await page.locator("a[download]").count() == 0


async def test_android_gets_the_address_to_copy_and_a_labelled_download(live_server, browser, demo):
    page = await phone_page(browser, HUAWEI, permissions=["clipboard-read", "clipboard-write"])
    await page.goto(f"{live_server}/subscribe?branch=NJ-LK&alarms=1")
    address = await page.input_value("#feed-address")
    assert address == f"{live_server}/calendar.ics?branch=NJ-LK&alarms=1"
    await page.click("button.copy")
    assert await page.evaluate("navigator.clipboard.readText()") == address
    download = page.locator("#android a[download]")
    assert await download.get_attribute("href") == address
    assert "不会自动更新" in await page.inner_text("#android")
    assert await page.locator("a[href^='webcal:']").count() == 0
    async with httpx.AsyncClient() as http:
        feed = await http.get(address)
    assert "BEGIN:VALARM" in feed.text
