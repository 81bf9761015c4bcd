"""The web pages in a real browser against a real server, on the demo data."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

CHINA = ZoneInfo("Asia/Shanghai")


async def events_from_now(http: httpx.AsyncClient, **headers: str) -> list[dict[str, Any]]:
    """Events of the next six weeks, as the API lists them to the caller."""
    now = datetime.now(UTC)
    window = {"from": now.isoformat(), "to": (now + timedelta(weeks=6)).isoformat()}
    response = await http.get("/api/events", params={**window, "limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def an_upcoming_public_event(http: httpx.AsyncClient) -> dict[str, Any]:
    """A one-off public event of the demo in the weeks ahead, whatever day it is."""
    upcoming = [
        e
        for e in await events_from_now(http)
        if e["status"] == "scheduled" and e["rrule"] is None and e["venue"]["name"]
    ]
    assert upcoming, "the demo has no upcoming public event"
    return upcoming[0]


async def banner_shown(http: httpx.AsyncClient) -> None:
    """Waits for the server to notice the demo: it re-checks every few seconds."""
    from app.demo.banner import RECHECK_SECONDS

    deadline = asyncio.get_running_loop().time() + RECHECK_SECONDS + 5
    while 'class="demo-banner"' not in (await http.get("/")).text:
        assert asyncio.get_running_loop().time() < deadline, "no demo banner on the live server"
        await asyncio.sleep(0.5)


async def sign_in(http: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    login = await http.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    http.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def test_home_lists_upcoming_public_events_in_chinese(live_server, browser, demo, http):
    upcoming = await an_upcoming_public_event(http)
    coordinator = await sign_in(http, "nj_coord", demo.password)
    drafts = [e for e in await events_from_now(http, **coordinator) if e["status"] == "draft"]
    assert drafts, "the demo has a draft in the weeks ahead"
    await banner_shown(http)
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    text = await page.inner_text("main")
    assert upcoming["title"] in text
    assert "近期反诈宣传活动" in text
    # Drafts and past events are not on the public page.
    for draft in drafts:
        assert draft["title"] not in text
    assert "“3·15”防范电信网络诈骗专题讲座" not in text
    # The demo says what it is, above the page's own content.
    banner = page.locator(".demo-banner")
    assert await banner.is_visible()
    assert (await banner.inner_text()).startswith("演示数据")
    # The subscribe button leads to the page that shows each phone its way (test_public_qr.py).
    assert await page.locator(".qr svg").count() == 1
    subscribe = await page.get_attribute(".subscribe a.button", "href")
    assert subscribe == f"{live_server}/subscribe"


async def test_chinese_is_the_default_and_english_follows_the_phone(demo, http):
    assert 'lang="zh-CN"' in (await http.get("/")).text
    english = await http.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert 'lang="en"' in english.text


async def test_language_switch_to_english_sticks(live_server, browser, demo, http):
    await banner_shown(http)
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/?lang=en")
    assert await page.get_attribute("html", "lang") == "en"
    assert "Upcoming anti-fraud events" in await page.inner_text("h1")
    await page.goto(f"{live_server}/login")
    assert "Sign in" in await page.inner_text("h1")
    assert (await page.inner_text(".demo-banner")).startswith("Demo data")


async def test_event_page_offers_its_calendar_file(live_server, browser, demo, http):
    upcoming = await an_upcoming_public_event(http)
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/")
    await page.click(f"text={upcoming['title']}")
    assert page.url.endswith(f"/events/{upcoming['id']}")
    assert upcoming["venue"]["name"] in await page.inner_text("main")
    href = await page.get_attribute("text=添加到我的日历", "href")
    assert href is not None
    assert href.endswith(".ics")
    response = await http.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert f"UID:{upcoming['uid']}" in response.text


async def test_unknown_event_page_is_404(demo, http):
    assert (await http.get("/events/999999")).status_code == 404
    assert (await http.get("/events/not-a-number")).status_code == 404


async def test_wrong_password_shows_the_reason(live_server, browser, demo):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/login")
    await page.fill("#username", "lk_staff")
    await page.fill("#password", "wrong password")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#login-error:not([hidden])")
    # The page is Chinese, and so is the API's reason it shows.
    assert "用户名或密码错误" in await page.inner_text("#login-error")


async def test_staff_signs_in_and_logs_an_interception(live_server, browser, demo, http):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/staff")
    assert page.url.endswith("/login?next=%2Fstaff")  # and back to the desk after
    await page.fill("#username", "lk_staff")
    await page.fill("#password", demo.password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    yesterday = datetime.now(CHINA) - timedelta(days=1)
    await page.fill("#occurred_at", yesterday.strftime("%Y-%m-%dT%H:%M"))
    await page.fill("#amount_saved", "4500.50")
    await page.select_option("#channel", "counter")
    await page.select_option("#fraud_type", "fake_loan")
    await page.fill("#description", "客户来电 13812345678 称需缴纳解冻费")
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.ok")
    number = (await page.inner_text("#interception-result")).split()[-1]

    headers = await sign_in(http, "lk_staff", demo.password)
    saved = (await http.get(f"/api/interceptions/{number}", headers=headers)).json()
    assert saved["amount_saved"] == "4500.50"
    assert saved["fraud_type"] == "fake_loan"
    assert "138****5678" in saved["description"]
    assert "13812345678" not in saved["description"]


async def test_dashboard_shows_the_2025_figures(live_server, browser, demo):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/login")
    await page.fill("#username", "nj_coord")
    await page.fill("#password", demo.password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    await page.goto(f"{live_server}/dashboard?year=2025")
    assert await page.inner_text("#lectures") == "9"
    assert await page.inner_text("#interceptions") == "11"
    assert await page.inner_text("#amount-saved") == "¥860,000.00"


async def test_staff_records_attendance_for_an_event_that_took_place(
    live_server, browser, demo, http
):
    coord = await sign_in(http, "nj_coord", demo.password)
    branches = (await http.get("/api/branches", headers=coord)).json()["items"]
    liuku = next(b["id"] for b in branches if b["code"] == "NJ-LK")
    start = (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0, second=0)
    created = await http.post(
        "/api/events",
        headers=coord,
        json={
            "title": "六库支行厅堂微沙龙:养老诈骗提醒",
            "kind": "salon",
            "branch_id": liuku,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": {"name": "六库支行营业厅", "venue_type": "branch_hall"},
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]

    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/login")
    await page.fill("#username", "lk_staff")
    await page.fill("#password", demo.password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    # The demo's own recent events are listed too; pick the one just created.
    option = page.locator(f'#occurrence option[value^="{event_id}|"]')
    await page.select_option("#occurrence", value=await option.get_attribute("value"))
    await page.fill("#headcount", "36")
    await page.fill("#materials_distributed", "80")
    await page.fill("#app_installs", "12")
    await page.click("#attendance button[type=submit]")
    await page.wait_for_selector("#attendance-result.ok")

    records = (await http.get(f"/api/events/{event_id}/attendance", headers=coord)).json()
    assert [
        (r["headcount"], r["materials_distributed"], r["app_installs"]) for r in records["items"]
    ] == [(36, 80, 12)]
