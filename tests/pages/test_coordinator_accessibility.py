"""Every coordinator page passes axe-core (no serious or critical violation), phone and desk;
the month view and the review queue are photographed on a phone for review."""

from datetime import UTC, datetime

import pytest

from tests.pages.axe import assert_accessible
from tests.pages.coordinator_steps import VIEWPORTS, api_headers, signed_in_page
from tests.pages.screenshots import screenshot


async def _month_with_upcoming_events(http, headers) -> str:
    """A day in the month of the demo's next events, whatever day the tests run."""
    now = datetime.now(UTC).isoformat()
    params = {"from": now, "status": "scheduled", "limit": 1}
    found = (await http.get("/api/events", params=params, headers=headers)).json()["items"]
    assert found, "the demo has upcoming events"
    return str(found[0]["starts_at"])[:10]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_coordinator_pages_have_no_serious_accessibility_violation(
    live_server, browser, demo, http, viewport
):
    headers = await api_headers(http, "nj_coord", demo.password)
    day = await _month_with_upcoming_events(http, headers)
    campaign = (await http.get("/api/campaigns", headers=headers)).json()["items"][0]
    event = (await http.get("/api/events", params={"limit": 1}, headers=headers)).json()["items"][0]
    phone = viewport is VIEWPORTS[0]
    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    for path in (
        "/coordinator/campaigns",
        "/coordinator/campaigns/new",
        f"/coordinator/campaigns/{campaign['id']}",
        f"/coordinator/events?day={day}",
        f"/coordinator/events?view=week&day={day}",
        "/coordinator/events/new",
        f"/coordinator/events/{event['id']}",
        "/coordinator/import",
        "/coordinator/review",
    ):
        await page.goto(f"{live_server}{path}")
        await assert_accessible(page)
    # A form with its messages, as a coordinator meets it after a mistake.
    await page.goto(f"{live_server}/coordinator/events/new")
    await page.click("#save-event")
    await page.locator("#title-error").wait_for()
    await assert_accessible(page)
    if phone:
        await page.goto(f"{live_server}/coordinator/events?day={day}")
        await screenshot(page, "coordinator-month-phone")
        await page.goto(f"{live_server}/coordinator/review")
        await screenshot(page, "coordinator-review-phone")
        await page.goto(f"{live_server}/coordinator/campaigns")
        await screenshot(page, "coordinator-campaigns-phone")
        await page.goto(f"{live_server}/coordinator/events/{event['id']}")
        await screenshot(page, "coordinator-event-editor-phone")
    else:
        await page.goto(f"{live_server}/coordinator/events?day={day}")
        await screenshot(page, "coordinator-month-desktop")
    await page.context.close()
