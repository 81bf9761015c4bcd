"""The public's event pages: a repeating event by its next date and in words, filters,
past events, and an event page with map, phone, next dates and both calendar buttons."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.pages.public_support import phone_page

CHINA = ZoneInfo("Asia/Shanghai")


async def weekly_tuesday_class(live_server: str, password: str) -> dict:
    """A Lisu-language class for elderly people, every Tuesday since three weeks ago."""
    async with httpx.AsyncClient(base_url=live_server) as http:
        login = await http.post(
            "/api/auth/login", json={"username": "nj_coord", "password": password}
        )
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        branches = (await http.get("/api/branches", headers=auth)).json()["items"]
        fugong = next(b["id"] for b in branches if b["code"] == "NJ-FG")
        today = datetime.now(CHINA).replace(hour=15, minute=0, second=0, microsecond=0)
        first = today - timedelta(days=today.weekday() - 1 + 21)  # a Tuesday, 3 weeks back
        created = await http.post(
            "/api/events",
            headers=auth,
            json={
                "title": "福贡县支行傈僳语反诈课堂",
                "kind": "lecture",
                "branch_id": fugong,
                "starts_at": first.isoformat(),
                "ends_at": (first + timedelta(hours=1)).isoformat(),
                "rrule": "FREQ=WEEKLY;BYDAY=TU",
                "venue": {"name": "上帕镇老年活动中心", "address": "福贡县上帕镇腊竹底村"},
                "languages": ["lis", "zh"],
                "audiences": ["elderly"],
                "allow_conflicts": True,
            },
        )
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_weekly_event_shows_its_next_date_and_its_rule(live_server, browser, demo):
    event = await weekly_tuesday_class(live_server, demo.password)
    page = await phone_page(browser)
    await page.goto(f"{live_server}/?language=lis&audience=elderly")
    card = page.locator("article", has_text=event["title"])
    text = await card.inner_text()
    assert "每周二" in text
    # The next Tuesday, not the first (past) one.
    now = datetime.now(CHINA)
    next_tuesday = now + timedelta(days=(1 - now.weekday()) % 7)
    if next_tuesday.date() == now.date() and now.hour >= 16:
        next_tuesday += timedelta(days=7)
    assert f"{next_tuesday.month}月{next_tuesday.day}日 星期二" in text
    first = datetime.fromisoformat(event["starts_at"]).astimezone(CHINA)
    assert f"{first.month}月{first.day}日" not in text
    assert "傈僳语" in text
    assert "老年人" in text
    # The language's own name, in Lisu script, drawn in the Lisu font the app serves.
    assert "ꓡꓲ-ꓢꓴ" in text
    await page.evaluate("document.fonts.ready")
    lisu = "[...document.fonts].filter(f => f.family.includes('Noto Sans Lisu'))"
    assert await page.evaluate(f"{lisu}.some(f => f.status === 'loaded')")

    await card.locator("h2 a").click()
    assert page.url == f"{live_server}/events/{event['id']}"
    main = await page.inner_text("main")
    assert "每周二" in main
    assert len(await page.locator("ul.dates li").all()) >= 2
    assert "适合人群" in main
    assert "0886-300000" in main  # the outlet's phone
    phone = await page.get_attribute("a[href^='tel:0886']", "href")
    assert phone is not None
    geo = await page.get_attribute("a[href^='geo:']", "href")
    assert geo is not None
    assert "geo:0,0?q=" in geo
    assert "福贡县上帕镇腊竹底村" in main
    one = await page.get_attribute("text=添加到我的日历", "href")
    assert one == f"/events/{event['id']}.ics"
    every = await page.get_attribute("text=订阅全部活动", "href")
    assert every == f"{live_server}/subscribe"
    await page.click("text=返回活动列表")
    assert page.url == f"{live_server}/"


async def test_filters_by_outlet_and_kind_and_the_month_view(live_server, browser, demo):
    async with httpx.AsyncClient(base_url=live_server) as http:
        params: dict[str, str] = {
            "from": datetime.now(UTC).isoformat(),
            "limit": "100",
            "branch": "NJ-FG",
        }
        fugong = (await http.get("/api/events", params=params)).json()["items"]
        everywhere = (await http.get("/api/events", params={**params, "branch": ""})).json()
    page = await phone_page(browser)
    await page.goto(f"{live_server}/")
    await page.click("details.filters summary")
    await page.select_option("select[name=branch]", "NJ-FG")
    await page.click("details.filters button[type=submit]")
    titles = set(await page.locator("article h2").all_inner_texts())
    assert titles
    assert titles <= {e["title"] for e in fugong}
    others = {e["title"] for e in everywhere["items"]} - {e["title"] for e in fugong}
    assert not titles & others
    await page.goto(f"{live_server}/?kind=lecture")
    kinds = await page.locator("article .tags .tag:first-child").all_inner_texts()
    assert kinds
    assert set(kinds) == {"反诈讲座"}
    # The month view: the days with events link to their list below the grid.
    await page.goto(f"{live_server}/?view=month")
    busy = page.locator("table.month-grid a.busy")
    assert await busy.count() >= 1
    anchor = await busy.first.get_attribute("href")
    assert anchor is not None
    assert await page.locator(f"li{anchor} a").count() >= 1
    await page.click("text=下个月")
    assert "month=" in page.url


async def test_past_events_have_a_page_of_their_own(live_server, browser, demo):
    page = await phone_page(browser)
    await page.goto(f"{live_server}/")
    await page.click("text=往期活动")
    assert page.url == f"{live_server}/past"
    assert "近三个月的往期活动" in await page.inner_text("h1")
    cards = page.locator("article")
    assert await cards.count() >= 1
    days = []
    for text in await page.locator("article .when").all_inner_texts():
        day = datetime.strptime(text.split(" ")[0], "%Y年%m月%d日").date()
        days.append(day)
    today = datetime.now(CHINA).date()
    assert all(today - timedelta(days=93) <= day <= today for day in days), days
    assert days == sorted(days, reverse=True)
