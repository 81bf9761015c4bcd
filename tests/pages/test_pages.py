"""The web pages in a real browser against a real server, on the demo data."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.demo.load import load_demo
from app.demo.nujiang import DEMO_PASSWORD


@pytest.fixture
async def demo() -> None:
    await load_demo(only_if_empty=False)


@pytest.fixture
async def http(live_server):
    async with httpx.AsyncClient(base_url=live_server) as client:
        yield client


async def test_home_lists_upcoming_public_events_in_chinese(live_server, browser, demo):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    text = await page.inner_text("main")
    assert "2026金融教育宣传周：反诈讲座进村寨" in text
    assert "近期反诈宣传活动" in text
    # Drafts and past events are not on the public page.
    assert "草稿" not in text
    assert "“3·15”防范电信网络诈骗专题讲座" not in text
    assert await page.locator(".qr svg").count() == 1
    webcal = await page.get_attribute("a.button", "href")
    assert webcal is not None
    assert webcal.startswith("webcal://")
    assert webcal.endswith("/calendar.ics")


async def test_chinese_is_the_default_and_english_follows_the_phone(demo, http):
    assert 'lang="zh-CN"' in (await http.get("/")).text
    english = await http.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert 'lang="en"' in english.text


async def test_language_switch_to_english_sticks(live_server, browser, demo):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/?lang=en")
    assert await page.get_attribute("html", "lang") == "en"
    assert "Upcoming anti-fraud events" in await page.inner_text("h1")
    await page.goto(f"{live_server}/login")
    assert "Sign in" in await page.inner_text("h1")


async def test_event_page_offers_its_calendar_file(live_server, browser, demo, http):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/")
    await page.click("text=2026金融教育宣传周：反诈讲座进村寨")
    assert "/events/" in page.url
    assert "鹿马登乡阿亚比村活动室" in await page.inner_text("main")
    href = await page.get_attribute("text=添加到我的日历", "href")
    assert href is not None
    assert href.endswith(".ics")
    response = await http.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:2026金融教育宣传周" in response.text


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
    assert "Wrong username or password" in await page.inner_text("#login-error")


async def test_staff_signs_in_and_logs_an_interception(live_server, browser, demo, http):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/staff")
    assert page.url.endswith("/login")
    await page.fill("#username", "lk_staff")
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    await page.fill("#occurred_at", "2026-11-20T10:30")
    await page.fill("#amount_saved", "4500.50")
    await page.select_option("#fraud_type", "fake_loan")
    await page.fill("#description", "客户来电 13812345678 称需缴纳解冻费")
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.ok")
    number = (await page.inner_text("#interception-result")).split()[-1]

    login = await http.post(
        "/api/auth/login", json={"username": "lk_staff", "password": DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    saved = (await http.get(f"/api/interceptions/{number}", headers=headers)).json()
    assert saved["amount_saved"] == "4500.50"
    assert saved["fraud_type"] == "fake_loan"
    assert "138****5678" in saved["description"]
    assert "13812345678" not in saved["description"]


async def test_dashboard_shows_the_2025_figures(live_server, browser, demo):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{live_server}/login")
    await page.fill("#username", "nj_coord")
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    await page.goto(f"{live_server}/dashboard?year=2025")
    assert await page.inner_text("#lectures") == "9"
    assert await page.inner_text("#interceptions") == "11"
    assert await page.inner_text("#amount-saved") == "¥860,000.00"


async def test_staff_records_attendance_for_an_event_that_took_place(
    live_server, browser, demo, http
):
    coordinator = await http.post(
        "/api/auth/login", json={"username": "nj_coord", "password": DEMO_PASSWORD}
    )
    coord = {"Authorization": f"Bearer {coordinator.json()['token']}"}
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
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")
    await page.select_option("#occurrence", index=0)
    await page.fill("#headcount", "36")
    await page.fill("#materials_distributed", "80")
    await page.fill("#app_installs", "12")
    await page.click("#attendance button[type=submit]")
    await page.wait_for_selector("#attendance-result.ok")

    records = (await http.get(f"/api/events/{event_id}/attendance", headers=coord)).json()
    assert [
        (r["headcount"], r["materials_distributed"], r["app_installs"]) for r in records["items"]
    ] == [(36, 80, 12)]
