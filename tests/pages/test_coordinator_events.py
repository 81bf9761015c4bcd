"""Coordinators plan events in the browser: the editor, clashes, the month and week views."""

import pytest

from tests.pages.axe import assert_accessible
from tests.pages.coordinator_steps import VIEWPORTS, api_headers, signed_in_page
from tests.pages.screenshots import screenshot


async def _branch_id(http, headers, code: str) -> int:
    branches = (await http.get("/api/branches", headers=headers)).json()["items"]
    return next(b["id"] for b in branches if b["code"] == code)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_weekly_event_with_a_clash_in_the_month_view(
    live_server, browser, demo, http, viewport
):
    headers = await api_headers(http, "nj_coord", demo.password)
    liuku = await _branch_id(http, headers, "NJ-LK")
    # Already planned: a lecture in the Liuku hall on Tuesday 9 April 2030, 14:30.
    existing = await http.post(
        "/api/events",
        headers=headers,
        json={
            "title": "六库营业厅反诈讲座",
            "kind": "lecture",
            "branch_id": liuku,
            "starts_at": "2030-04-09T14:30:00+08:00",
            "ends_at": "2030-04-09T15:30:00+08:00",
            "venue": {"name": "六库支行营业厅", "venue_type": "branch_hall"},
        },
    )
    assert existing.status_code == 201, existing.text
    existing_id = existing.json()["id"]
    hidden_draft = await http.post(
        "/api/events",
        headers=headers,
        json={
            "title": "内部培训(草稿)",
            "kind": "other",
            "branch_id": liuku,
            "status": "draft",
            "visibility": "internal",
            "starts_at": "2030-04-11T10:00:00+08:00",
            "ends_at": "2030-04-11T11:00:00+08:00",
        },
    )
    assert hidden_draft.status_code == 201, hidden_draft.text

    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    campaign_name = f"四月反诈周({viewport['viewport']['width']})"
    await page.goto(f"{live_server}/coordinator/campaigns/new")
    await page.fill("#name", campaign_name)
    await page.fill("#starts_on", "2030-04-01")
    await page.fill("#ends_on", "2030-04-30")
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"{live_server}/coordinator/campaigns#campaign-*")

    await page.goto(f"{live_server}/coordinator/events/new?day=2030-04-02")
    title = f"每周厅堂微沙龙({viewport['viewport']['width']})"
    await page.fill("#title", title)
    await page.select_option("#kind", "salon")
    kinds = await page.locator("#kind option").all_inner_texts()
    assert "厅堂微沙龙" in kinds
    await page.select_option("#campaign_id", label=campaign_name)
    await page.select_option("#branch_id", str(liuku))
    await page.select_option("#status", "scheduled")
    await page.fill("#starts_at", "2030-04-02T14:00")
    await page.fill("#ends_at", "2030-04-02T15:00")
    await page.select_option("#freq", "WEEKLY")
    await page.fill("#count", "4")
    await page.fill("#venue_name", "六库支行营业厅")
    await page.select_option("#venue_type", "branch_hall")
    await page.fill("#host", "李经理")
    await page.fill("#capacity", "30")
    await page.check("input[name=languages][value=lis]")
    await page.check("input[name=audiences][value=elderly]")
    # The next dates, in words, before saving.
    await page.click("#preview-button")
    preview = page.locator("#repeat-preview")
    assert "每周,共4次" in await preview.inner_text()
    dates = await preview.locator("li").all_inner_texts()
    assert dates == [
        "2030年4月2日 星期二 14:00",
        "2030年4月9日 星期二 14:00",
        "2030年4月16日 星期二 14:00",
        "2030年4月23日 星期二 14:00",
    ]
    assert await page.input_value("#title") == title

    # Saving clashes with the lecture: the page names it next to the fields.
    await page.click("#save-event")
    conflicts = page.locator("#conflicts")
    assert "六库营业厅反诈讲座" in await conflicts.inner_text()
    link = conflicts.locator(f"a[href='/coordinator/events/{existing_id}']")
    assert await link.count() == 1
    # The top of the page, where the answer of a save lands on a phone, points there.
    summary = page.locator("#error-summary a[href='#conflicts']")
    assert await summary.is_visible()
    box = await page.locator("#error-summary").bounding_box()
    assert box is not None
    assert box["y"] < viewport["viewport"]["height"]
    await assert_accessible(page)
    if viewport is VIEWPORTS[0]:
        await conflicts.scroll_into_view_if_needed()
        await screenshot(page, "coordinator-event-clash-phone", full_page=False)
    await page.check("#allow_conflicts")
    await page.click("#save-event")
    await page.wait_for_url("**/coordinator/events/*?saved=1")
    event_id = int(page.url.split("/coordinator/events/")[1].split("?")[0])
    saved = (await http.get(f"/api/events/{event_id}", headers=headers)).json()
    assert saved["rrule"] == "FREQ=WEEKLY;COUNT=4"
    assert saved["capacity"] == 30
    assert saved["languages"] == ["zh", "lis"]
    assert saved["audiences"] == ["elderly"]
    assert saved["host"] == "李经理"
    assert saved["venue"] == {
        "name": "六库支行营业厅",
        "address": "",
        "venue_type": "branch_hall",
    }
    assert saved["starts_at"] == "2030-04-02T14:00:00+08:00"

    # The month view: four occurrences, the clashing one marked, the draft set apart.
    await page.goto(f"{live_server}/coordinator/events?day=2030-04-15")
    assert await page.inner_text("#period") == "2030年4月"
    ours = page.locator(f"a.occ[data-event='{event_id}']")
    assert await ours.count() == 4
    clash = page.locator(f"a.occ[data-event='{event_id}'][data-conflict]")
    assert await clash.count() == 1
    assert await clash.get_attribute("data-start") == "2030-04-09T14:00:00+08:00"
    assert "冲突" in await clash.inner_text()
    theirs = page.locator(f"a.occ[data-event='{existing_id}']")
    assert await theirs.get_attribute("data-conflict") == "1"
    draft = page.locator(f"a.occ[data-event='{hidden_draft.json()['id']}']")
    assert "draft" in (await draft.get_attribute("class") or "")
    assert "internal" in (await draft.get_attribute("class") or "")
    assert "草稿" in await draft.inner_text()
    assert await draft.get_attribute("data-conflict") is None

    # Filters: only salons, then the week of the 8th.
    await page.select_option("#kind", "salon")
    # htmx redraws the calendar alone and the address follows the filter.
    await page.locator(f"a.occ[data-event='{existing_id}']").wait_for(state="detached")
    await page.wait_for_url("**kind=salon**")
    # Without htmx the button does the same.
    await page.click("#calendar-filters button[type=submit]")
    await page.wait_for_load_state()
    assert await page.locator(f"a.occ[data-event='{existing_id}']").count() == 0
    assert await page.locator(f"a.occ[data-event='{event_id}']").count() == 4
    await page.goto(f"{live_server}/coordinator/events?view=week&day=2030-04-10")
    week = page.locator("#week")
    assert await week.locator(f"a.occ[data-event='{event_id}']").count() == 1
    assert await week.locator(f"a.occ[data-event='{existing_id}'][data-conflict]").count() == 1

    # One occurrence is not held: ticked in the editor, gone from the month.
    await page.goto(f"{live_server}/coordinator/events/{event_id}")
    skip = page.locator("input[name=exdates][value='2030-04-16T06:00:00+00:00']")
    assert "2030年4月16日" in await page.inner_text(".skip-dates")
    await skip.check()
    await page.click("#save-event")
    # Still clashing on the 9th: the service asks again, and the coordinator keeps it.
    await page.check("#allow_conflicts")
    assert await skip.is_checked()
    await page.click("#save-event")
    await page.wait_for_url("**/coordinator/events/*?saved=1")
    skipped = (await http.get(f"/api/events/{event_id}", headers=headers)).json()
    assert skipped["exdates"] == ["2030-04-16T14:00:00+08:00"]
    assert "2030年4月16日" not in await page.inner_text("#repeat-preview ol")
    await page.goto(f"{live_server}/coordinator/events?day=2030-04-15")
    assert await page.locator(f"a.occ[data-event='{event_id}']").count() == 3

    # Cancel with a reason; without one the page asks for it.
    await page.goto(f"{live_server}/coordinator/events/{event_id}")
    await page.click("#cancel-form button[type=submit]")
    assert "原因" in await page.inner_text("#reason-error")
    await page.fill("#reason", "场地维修")
    await page.click("#cancel-form button[type=submit]")
    await page.wait_for_url("**?cancelled=1")
    cancelled = (await http.get(f"/api/events/{event_id}", headers=headers)).json()
    assert cancelled["status"] == "cancelled"
    await page.context.close()


async def test_editor_shows_chinese_messages_by_the_fields(live_server, browser, demo, http):
    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, VIEWPORTS[0])
    await page.goto(f"{live_server}/coordinator/events/new")
    await page.fill("#starts_at", "2030-05-02T15:00")
    await page.fill("#ends_at", "2030-05-02T14:00")
    await page.click("#save-event")
    assert await page.inner_text("#title-error") == "请填写活动标题。"
    await page.fill("#title", "时间有误的活动")
    await page.click("#save-event")
    assert await page.inner_text("#ends_at-error") == "结束时间必须晚于开始时间。"
    assert await page.get_attribute("#ends_at", "aria-invalid") == "true"
    await page.context.close()


async def test_unknown_branch_in_the_address_is_said_on_the_page(live_server, browser, demo):
    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, VIEWPORTS[1])
    response = await page.goto(f"{live_server}/coordinator/events?branch=NO-SUCH")
    assert response is not None
    assert response.status == 200
    assert "NO-SUCH" in await page.inner_text("#calendar-problem")
    assert await page.locator("a.occ").count() == 0
    await page.goto(f"{live_server}/coordinator")
    assert page.url.endswith("/coordinator/events")
    assert await page.get_attribute("header.site a[href='/coordinator/events']", "href")
    await page.context.close()
