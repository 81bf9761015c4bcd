"""Admins' users and branches pages in Chromium, through the account API they send to."""

import secrets
from typing import Any

import httpx
import pytest

from accounts.schemas import UserCreate
from accounts.users import create_user
from tests.pages.axe import assert_accessible
from tests.pages.screenshots import screenshot
from tests.pages.test_pages import sign_in
from tests.pages.test_staff_desk import DESKTOP, PHONE


async def admin_page(browser: Any, base: str, viewport: dict[str, int]) -> tuple[Any, Any]:
    username, password = f"admin_{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    nj = await _branch_id_by_code("NJ")
    await create_user(UserCreate(username=username, password=password, role="admin", branch_id=nj))
    context = await browser.new_context(locale="zh-CN", viewport=viewport)
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    # Signed in once the page has moved on from the sign-in form.
    await page.wait_for_url(lambda url: "/login" not in url)
    async with httpx.AsyncClient(base_url=base) as client:
        headers = await sign_in(client, username, password)
    return page, headers


async def _branch_id_by_code(code: str) -> int:
    from accounts.tables import Branch

    row = await Branch.select(Branch.id).where(Branch.code == code).first()
    assert row is not None
    return int(row["id"])


async def save(page: Any, button: Any) -> None:
    """Clicks a form's button and waits for the reload that shows the change."""
    async with page.expect_navigation():
        await button.click()
    assert await page.inner_text("#admin-result") == "已保存。"


async def branches_of(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    found = (await http.get("/api/branches", params={"limit": 500}, headers=headers)).json()
    return {b["code"]: b for b in found["items"]}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_admin_creates_and_edits_a_branch(live_server, browser, demo, http, viewport):
    page, headers = await admin_page(browser, live_server, viewport)
    await page.goto(f"{live_server}/manage/branches")
    await assert_accessible(page)
    code = f"NJ-T{secrets.token_hex(2).upper()}"
    nj = (await branches_of(http, headers))["NJ"]
    await page.fill("#new-code", code)
    await page.fill("#new-name", "泸水市称杆乡普惠金融服务点")
    await page.select_option("#new-parent", str(nj["id"]))
    await page.fill("#new-languages", "zh lis")
    await page.click("#new-branch button[type=submit]")
    await page.wait_for_selector(f'li.branch[data-code="{code}"]')
    assert await page.inner_text("#admin-result") == "已保存。"
    made = (await branches_of(http, headers))[code]
    assert made["parent_id"] == nj["id"]
    assert made["languages"] == ["zh", "lis"]

    item = page.locator(f'li.branch[data-code="{code}"]')
    await item.locator("summary").click()
    await item.locator("input[name=name]").fill("称杆乡普惠金融服务点")
    await item.locator("input[name=address]").fill("泸水市称杆乡")
    await save(page, item.locator("button[type=submit]"))
    changed = (await branches_of(http, headers))[code]
    assert changed["name"] == "称杆乡普惠金融服务点"
    assert changed["address"] == "泸水市称杆乡"

    # A code taken already: the API's refusal shows next to the form.
    await page.fill("#new-code", code)
    await page.fill("#new-name", "重复")
    await page.click("#new-branch button[type=submit]")
    await page.wait_for_selector("#new-branch .result.error")


async def test_admin_manages_a_user(live_server, browser, demo, http):
    page, headers = await admin_page(browser, live_server, PHONE)
    branches = await branches_of(http, headers)
    await page.goto(f"{live_server}/manage/users")
    await assert_accessible(page)
    await screenshot(page, "admin-users-phone", full_page=False)
    username = f"staff_{secrets.token_hex(3)}"
    first_password = secrets.token_urlsafe(12)
    await page.fill("#new-username", username)
    await page.fill("#new-display-name", "木春花")
    await page.fill("#new-password", first_password)
    await page.select_option("#new-role", "staff")
    assert "员工" in await page.inner_text("#new-role")
    await page.select_option("#new-branch", str(branches["NJ-LP"]["id"]))
    await page.click("#new-user button[type=submit]")
    item = page.locator(f'li.user[data-username="{username}"]')
    await item.wait_for()
    assert "木春花" in await item.inner_text()
    user_id = int(await item.get_attribute("data-id") or 0)

    # Move to another branch.
    await item.locator("summary").click()
    await item.locator("form.move select[name=branch_id]").select_option(
        str(branches["NJ-LK"]["id"])
    )
    await save(page, item.locator("form.move button[type=submit]"))
    user = (await http.get(f"/api/users/{user_id}", headers=headers)).json()
    assert user["branch_id"] == branches["NJ-LK"]["id"]

    # Reset the password: the new one signs in.
    new_password = secrets.token_urlsafe(12)
    item = page.locator(f'li.user[data-username="{username}"]')
    await item.locator("summary").click()
    await item.locator("form.reset input[name=password]").fill(new_password)
    await save(page, item.locator("form.reset button[type=submit]"))
    async with httpx.AsyncClient(base_url=live_server) as other:
        await sign_in(other, username, new_password)

    # Deactivate: signing in is refused.
    item = page.locator(f'li.user[data-username="{username}"]')
    await item.locator("summary").click()
    await save(page, item.locator("form.active button[type=submit]"))
    await page.wait_for_selector(f'li.user[data-username="{username}"] .status-rejected')
    user = (await http.get(f"/api/users/{user_id}", headers=headers)).json()
    assert user["active"] is False
    refused = await http.post(
        "/api/auth/login", json={"username": username, "password": new_password}
    )
    assert refused.status_code == 401


async def test_staff_cannot_open_the_admin_pages(live_server, demo, http):
    headers = await sign_in(http, "lk_staff", demo.password)
    for path in ("/manage/users", "/manage/branches"):
        assert (await http.get(path, headers=headers)).status_code == 403
