"""Coordinators plan campaigns in the browser: create, edit, goals with progress bars."""

import pytest

from tests.pages.coordinator_steps import VIEWPORTS, api_headers, signed_in_page


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_coordinator_creates_a_campaign_with_goals(
    live_server, browser, demo, http, viewport
):
    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    await page.goto(f"{live_server}/coordinator/campaigns/new")
    # A form sent without a name says so in Chinese, next to the field, and keeps the rest.
    await page.fill("#starts_on", "2026-03-01")
    await page.fill("#ends_on", "2026-03-31")
    await page.click("form button[type=submit]")
    assert await page.inner_text("#name-error") == "请填写宣传专项名称。"
    assert await page.input_value("#starts_on") == "2026-03-01"
    # Every theme shows its Chinese name, never a code.
    themes = await page.locator("#theme option").all_inner_texts()
    assert "3·15消费者权益日" in themes
    assert not any("_" in t for t in themes)

    name = f"反诈宣传月({viewport['viewport']['width']})"
    await page.fill("#name", name)
    await page.select_option("#theme", "anti_fraud_month")
    await page.fill("#goal_events", "8")
    await page.fill("#goal_amount_saved", "50000")
    await page.fill("#ends_on", "2026-02-01")
    await page.click("form button[type=submit]")
    # The service refuses an end before the start; the page says so at the last day.
    assert "不能早于" in await page.inner_text("#ends_on-error")
    await page.fill("#ends_on", "2026-03-31")
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"{live_server}/coordinator/campaigns#campaign-*")

    headers = await api_headers(http, "nj_coord", demo.password)
    campaigns = (await http.get("/api/campaigns", headers=headers)).json()["items"]
    campaign = next(c for c in campaigns if c["name"] == name)
    assert campaign["theme"] == "anti_fraud_month"
    assert campaign["goals"]["events"] == 8
    assert campaign["goals"]["amount_saved"] == "50000.00"

    # The progress bars show the numbers of the progress API, goal by goal.
    progress = (await http.get(f"/api/campaigns/{campaign['id']}/progress", headers=headers)).json()
    card = page.locator(f"#campaign-{campaign['id']}")
    assert await card.locator("h2").inner_text() == name
    for goal in ("events", "attendees", "interceptions", "amount_saved"):
        row = card.locator(f"tr[data-goal={goal}]")
        assert await row.locator(".actual").get_attribute("data-value") == str(
            progress["actuals"][goal]
        )
        target = progress["goals"][goal]
        assert await row.locator(".target").get_attribute("data-value") == (
            "" if target is None else str(target)
        )
        percent = progress["percent"][goal]
        if percent is None:
            assert await row.locator("progress").count() == 0
        else:
            assert await row.locator(".percent").get_attribute("data-value") == str(percent)
            assert await row.locator("progress").get_attribute("value") == str(min(percent, 100))

    # Editing changes the goal; clearing one removes its bar.
    await page.click(f"#campaign-{campaign['id']} >> text=编辑")
    assert await page.input_value("#goal_events") == "8"
    await page.fill("#goal_events", "")
    await page.fill("#goal_attendees", "300")
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"{live_server}/coordinator/campaigns#campaign-*")
    changed = (await http.get(f"/api/campaigns/{campaign['id']}", headers=headers)).json()
    assert changed["goals"]["events"] is None
    assert changed["goals"]["attendees"] == 300
    row = page.locator(f"#campaign-{campaign['id']} tr[data-goal=attendees]")
    assert await row.locator("progress").count() == 1
    await page.close()
