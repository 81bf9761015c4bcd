"""Steps the coordinator page tests share: the demo, viewports, signing in."""

from typing import Any

import httpx

from tests.pages.viewports import DESKTOP_CONTEXT, PHONE_CONTEXT

# Browser context options: a phone first (390×844, touch), then a desktop; both zh-CN.
VIEWPORTS = [PHONE_CONTEXT, DESKTOP_CONTEXT]


async def api_headers(http: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    login = await http.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    http.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def signed_in_page(
    browser: Any, live_server: str, username: str, password: str, options: dict[str, Any]
) -> Any:
    """A zh-CN page of a fresh browser context, signed in through the sign-in form."""
    context = await browser.new_context(**options)
    page = await context.new_page()
    await page.goto(f"{live_server}/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: not url.endswith("/login"))
    return page
