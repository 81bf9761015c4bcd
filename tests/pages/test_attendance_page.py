"""Attendance in Chromium: held occurrences newest first, by audience, app installs."""

from datetime import UTC, datetime, timedelta

from tests.pages.axe import assert_accessible
from tests.pages.screenshots import screenshot
from tests.pages.test_pages import sign_in
from tests.pages.test_staff_desk import PHONE, signed_in_page


async def test_staff_records_attendance_by_audience(live_server, browser, demo, http):
    coord = await sign_in(http, "nj_coord", demo.password)
    branches = (await http.get("/api/branches", headers=coord)).json()["items"]
    liuku = next(b["id"] for b in branches if b["code"] == "NJ-LK")
    start = (datetime.now(UTC) - timedelta(hours=30)).replace(microsecond=0, second=0)
    created = await http.post(
        "/api/events",
        headers=coord,
        json={
            "title": "六库支行走进社区:识破冒充公检法",
            "kind": "community_visit",
            "branch_id": liuku,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "venue": {"name": "六库社区活动室", "venue_type": "community"},
            "allow_conflicts": True,
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]

    page = await signed_in_page(browser, live_server, demo.password, PHONE)
    await page.click("text=活动签到")
    await page.wait_for_url(f"{live_server}/staff/attendance")
    starts = await page.eval_on_selector_all(
        "section.held", "els => els.map((e) => Date.parse(e.dataset.start))"
    )
    assert starts
    assert starts == sorted(starts, reverse=True)
    section = page.locator(f'section.held[data-event-id="{event_id}"]')
    assert "尚未记录" in await section.inner_text()
    assert "老年人" in await section.inner_text()
    await assert_accessible(page)
    await screenshot(page, "staff-attendance-phone", full_page=False)

    await section.locator("input[name=headcount]").fill("40")
    await section.locator("input[data-audience=elderly]").fill("30")
    await section.locator("input[data-audience=students]").fill("15")
    await section.locator("button[type=submit]").click()
    await section.locator(".field-error:not([hidden])").wait_for()
    assert "超过了总人次" in await section.locator(".field-error:not([hidden])").inner_text()

    await section.locator("input[data-audience=students]").fill("10")
    await section.locator("input[name=app_installs]").fill("7")
    await section.locator("button[type=submit]").click()
    await section.locator(".result.ok").wait_for()

    records = (await http.get(f"/api/events/{event_id}/attendance", headers=coord)).json()
    [record] = records["items"]
    assert record["headcount"] == 40
    assert record["by_audience"] == {"elderly": 30, "students": 10}
    assert record["app_installs"] == 7

    await page.reload()
    held = page.locator(f'section.held[data-event-id="{event_id}"]')
    recorded = await held.locator(".recorded").inner_text()
    assert "40" in recorded
    assert "老年人 30" in recorded
    assert "学生 10" in recorded
