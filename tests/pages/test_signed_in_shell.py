"""The frame of every signed-in page, on a phone: sign-out, return after sign-in, error
pages, the admin link, and a form that survives its session ending."""

from typing import Any

import httpx
import pytest

from app.security_headers import CONTENT_SECURITY_POLICY
from tests.fixtures import PASSWORD
from tests.pages.axe import assert_accessible
from tests.pages.screenshots import screenshot
from tests.pages.viewports import DESKTOP_CONTEXT, PHONE_CONTEXT


async def phone(browser: Any, context_options: dict[str, Any] = PHONE_CONTEXT) -> Any:
    context = await browser.new_context(**context_options)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page, problems


async def sign_in_on_the_form(page: Any, username: str) -> None:
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("#login button[type=submit]")


async def session_token(context: Any) -> str:
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    return str(cookies["fangzha_session"])


async def end_session_on_the_server(base: str, token: str) -> None:
    """As if it expired: the server forgets the session; the phone still has its cookie."""
    async with httpx.AsyncClient(base_url=base) as http:
        out = await http.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204


async def test_sign_in_returns_to_the_page_and_sign_out_is_everywhere(live_server, browser, world):
    context, page, problems = await phone(browser)
    await page.goto(f"{live_server}/dashboard")
    assert page.url == f"{live_server}/login?next=%2Fdashboard"
    assert await page.inner_text("[role=status]") == "请先登录，登录后将回到刚才的页面。"
    await assert_accessible(page)
    await screenshot(page, "phone/sign-in asked by a page")

    await sign_in_on_the_form(page, "coord_lk")
    await page.wait_for_url(f"{live_server}/dashboard")
    header = page.locator("header.site")
    assert await header.locator(".who").inner_text()
    sign_out = header.get_by_role("button", name="退出登录")
    await sign_out.wait_for()
    assert await header.get_by_role("link", name="系统管理").count() == 0  # not an admin
    planning = header.get_by_role("link", name="计划")
    assert await planning.get_attribute("href") == "/coordinator/events"
    here = header.get_by_role("link", name="数据看板")
    assert await here.get_attribute("aria-current") == "page"
    # The whole header fits a phone's width: nothing to scroll sideways to find sign-out.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    box = await sign_out.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390
    await assert_accessible(page)
    await screenshot(page, "phone/dashboard header signed in")

    await page.goto(f"{live_server}/staff")
    await assert_accessible(page)
    await screenshot(page, "phone/staff header signed in")
    await page.get_by_role("button", name="退出登录").click()
    await page.wait_for_url(f"{live_server}/login?signed_out=1")
    assert "您已退出登录" in await page.inner_text("main")
    assert "fangzha_session" not in {c["name"] for c in await context.cookies()}
    await page.goto(f"{live_server}/staff")
    assert page.url.startswith(f"{live_server}/login?next=")
    assert problems == []
    await context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
async def test_error_pages(live_server, browser, world, device):
    options = PHONE_CONTEXT if device == "phone" else DESKTOP_CONTEXT
    context, page, problems = await phone(browser, options)
    response = await page.goto(f"{live_server}/no-such-page")
    assert response is not None
    assert response.status == 404
    assert await page.inner_text("h1") == "未找到"
    await assert_accessible(page)
    await screenshot(page, f"{device}/404 signed out")

    # A staff member on a coordinators' page: a page saying so, in Chinese, not JSON.
    await page.goto(f"{live_server}/login")
    await sign_in_on_the_form(page, "staff_lk")
    await page.wait_for_url(f"{live_server}/staff")
    response = await page.goto(f"{live_server}/coordinator/events")
    assert response is not None
    assert response.status == 403
    assert await page.inner_text("h1") == "无权访问"
    await assert_accessible(page)
    await screenshot(page, f"{device}/403 staff on a planning page")
    await page.get_by_role("button", name="退出登录").click()
    await page.wait_for_url(f"{live_server}/login?signed_out=1")

    await sign_in_on_the_form(page, "admin")
    await page.wait_for_url(f"{live_server}/staff")
    admin = page.locator("header.site").get_by_role("link", name="系统管理")
    assert await admin.get_attribute("href") == "/admin/"
    response = await page.goto(f"{live_server}/no-such-page?lang=en")
    assert response is not None
    assert response.status == 404
    assert await page.inner_text("h1") == "Not found"
    # Signed in, the error page keeps the signed-in header (sign-out, the admin link).
    assert await page.get_by_role("button", name="Sign out").count() == 1
    assert await page.get_by_role("link", name="Admin").count() == 1
    await assert_accessible(page)
    await screenshot(page, f"{device}/404 signed in english")
    assert problems == []
    await context.close()


# A form page under the app's address and real policy, built by the test, so the check
# does not depend on any one workspace page: its script saves through the API.
FORM_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>表单</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css">
<script src="/static/session.js" defer></script>
<script src="/test-form.js" defer></script></head>
<body data-signed-in data-restored="重新登录前填写的内容已恢复到表单中，请核对后再提交。">
<main><h1>表单</h1>
<form id="note-form" class="card" method="post" action="/test-form-post">
  <label for="title">标题</label><input id="title" name="title">
  <label for="kind">类型</label>
  <select id="kind" name="kind">
    <option value="">请选择</option><option value="salon">沙龙</option>
  </select>
  <label><input type="checkbox" name="online" value="1"> 线上</label>
  <label for="pw">密码</label><input id="pw" name="pw" type="password">
  <button id="by-script" type="button">保存</button>
  <button id="by-post" type="submit">提交</button>
</form></main></body></html>"""
FORM_SCRIPT = """
document.getElementById("by-script").addEventListener("click", async () => {
  await fetch("/api/users/me");
});
"""


async def serve_form_page(page: Any, base: str) -> None:
    async def form_page(route: Any) -> None:
        await route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body=FORM_PAGE,
        )

    async def form_script(route: Any) -> None:
        await route.fulfill(status=200, content_type="text/javascript", body=FORM_SCRIPT)

    async def form_post(route: Any) -> None:
        # What the server answers a page whose session ended: the sign-in form, as a 401.
        answer = await route.fetch(url=f"{base}/login?next=%2Ftest-form-post", method="GET")
        await route.fulfill(response=answer, status=401)

    await page.route(f"{base}/test-form", form_page)
    await page.route(f"{base}/test-form.js", form_script)
    await page.route(f"{base}/test-form-post", form_post)


async def fill_the_form(page: Any) -> None:
    await page.fill("#title", "六库支行厅堂微沙龙")
    await page.select_option("#kind", "salon")
    await page.check("input[name=online]")
    await page.fill("#pw", "never kept")


async def assert_the_form_is_back(page: Any) -> None:
    await page.wait_for_selector("#draft-restored")
    assert await page.input_value("#title") == "六库支行厅堂微沙龙"
    assert await page.input_value("#kind") == "salon"
    assert await page.is_checked("input[name=online]")
    assert await page.input_value("#pw") == ""  # passwords are never kept


async def test_an_ended_session_keeps_what_was_typed(live_server, browser, world):
    context, page, problems = await phone(browser)
    await serve_form_page(page, live_server)
    await page.goto(f"{live_server}/login?next=%2Ftest-form")
    await sign_in_on_the_form(page, "staff_lk")
    await page.wait_for_url(f"{live_server}/test-form")
    assert await page.locator("#draft-restored").count() == 0  # nothing to restore yet

    # The page's script gets a 401: to the sign-in page, and back with the form filled in.
    await fill_the_form(page)
    await end_session_on_the_server(live_server, await session_token(context))
    await page.click("#by-script")
    await page.wait_for_url(f"{live_server}/login?next=%2Ftest-form&expired=1")
    assert "登录已过期" in await page.inner_text("[role=status]")
    await assert_accessible(page)
    await screenshot(page, "phone/sign-in after the session ended")
    await sign_in_on_the_form(page, "staff_lk")
    await page.wait_for_url(f"{live_server}/test-form")
    await assert_the_form_is_back(page)
    await assert_accessible(page)
    await screenshot(page, "phone/form restored after sign-in")

    # A plain form post answered by the sign-in page: back to the form's page, filled in.
    await page.reload()
    assert await page.input_value("#title") == ""  # a reload is a fresh form
    await fill_the_form(page)
    await end_session_on_the_server(live_server, await session_token(context))
    await page.click("#by-post")
    await page.wait_for_selector("#login")
    await sign_in_on_the_form(page, "staff_lk")
    await page.wait_for_url(f"{live_server}/test-form")
    await assert_the_form_is_back(page)
    assert problems == []
    await context.close()
