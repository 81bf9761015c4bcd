"""Every page works in Chromium under the Content-Security-Policy, with no violation."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.security_headers import policy_for
from tests.fixtures import PASSWORD

# Reported to the page as it happens; kept on window for the test to read.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


async def _watched_page(browser: Any, problems: list[str]) -> Any:
    page = await browser.new_page(locale="zh-CN")
    await page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page


async def _visit(page: Any, url: str, problems: list[str]) -> None:
    response = await page.goto(url)
    assert response is not None
    headers = await response.all_headers()
    assert headers["content-security-policy"] == policy_for(urlsplit(url).path), url
    await page.wait_for_load_state("networkidle")
    problems.extend(await page.evaluate("window.__violations"))


async def _sign_in(page: Any, base: str, username: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/staff")


async def _event_two_days_ago(base: str, world: Any) -> int:
    start = (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0, second=0)
    async with httpx.AsyncClient(base_url=base) as http:
        created = await http.post(
            "/api/events",
            headers=world.auth("coord_lk"),
            json={
                "title": "六库支行厅堂微沙龙:防范养老诈骗",
                "kind": "salon",
                "branch_id": world.branches["NJ-LK"],
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "venue": {"name": "六库支行营业厅", "venue_type": "branch_hall"},
                "status": "scheduled",
                "visibility": "public",
            },
        )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_staff_pages_work_under_the_policy(live_server, browser, world):
    event_id = await _event_two_days_ago(live_server, world)
    problems: list[str] = []
    page = await _watched_page(browser, problems)

    # The sign-in script shows why a sign-in failed, then signs in.
    await _visit(page, f"{live_server}/login", problems)
    await page.fill("#username", "staff_lk")
    await page.fill("#password", "not the password")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#login-error:not([hidden])")
    # The page is Chinese, and so is the API's reason it shows.
    assert "用户名或密码错误" in await page.inner_text("#login-error")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/staff")

    # Both forms of the staff desk save through their script.
    await _visit(page, f"{live_server}/staff", problems)
    await page.fill("#occurred_at", "2026-11-20T10:30")
    await page.fill("#amount_saved", "1200.00")
    await page.select_option("#channel", "counter")
    await page.select_option("#fraud_type", "fake_loan")
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.ok")
    assert "已保存" in await page.inner_text("#interception-result")
    await page.fill("#headcount", "25")
    await page.click("#attendance button[type=submit]")
    await page.wait_for_selector("#attendance-result.ok")

    for path in ("/", f"/events/{event_id}", "/dashboard", "/not-a-page"):
        await _visit(page, f"{live_server}{path}", problems)
    assert problems == []


async def test_piccolo_admin_works_under_its_policy(live_server, browser, world):
    problems: list[str] = []
    page = await _watched_page(browser, problems)
    await _sign_in(page, live_server, "admin")
    await _visit(page, f"{live_server}/admin/", problems)
    await page.click("text=App User")
    await page.wait_for_selector("text=staff_lk")
    # A row's form: its fields are rendered by templates compiled in the browser.
    await page.goto(f"{live_server}/admin/#/app_user/{world.users['staff_lk']}")
    await page.wait_for_selector("text=Display Name")
    form = await page.inner_text("body")
    assert "Username" in form
    for secret in ("Password", "Calendar", "Seed", "Token"):
        assert secret not in form
    problems.extend(await page.evaluate("window.__violations"))
    assert problems == []
