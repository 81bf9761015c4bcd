"""The staff desk in a phone's and a desktop's Chromium: labels, checks, offline logging."""

import asyncio
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.pages.axe import assert_accessible
from tests.pages.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.pages.screenshots import screenshot
from tests.pages.test_pages import sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).parents[2] / "screenshots"
CODES = {"counter", "phone_callback", "60_plus", "under_18", "fake_loan", "order_brushing"}


async def signed_in_page(browser: Any, base: str, password: str, viewport: dict[str, int]) -> Any:
    context = await browser.new_context(locale="zh-CN", viewport=viewport)
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("#username", "lk_staff")
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/login" not in url)
    if not page.url.endswith("/staff"):
        await page.goto(f"{base}/staff")
    return page


async def records_with_case_no(http: httpx.AsyncClient, password: str, case_no: str) -> list[Any]:
    headers = await sign_in(http, "lk_staff", password)
    found = (await http.get("/api/interceptions", params={"limit": 500}, headers=headers)).json()
    return [r for r in found["items"] if r["police_case_no"] == case_no]


async def fill_interception(page: Any, amount: str, case_no: str) -> None:
    await page.fill("#amount_saved", amount)
    await page.select_option("#channel", "counter")
    await page.select_option("#fraud_type", "fake_loan")
    await page.select_option("#victim_age_band", "60_plus")
    await page.fill("#police_case_no", case_no)
    await page.fill("#description", "客户来电 13812345678 称需缴纳解冻费")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_form_speaks_chinese_checks_fields_and_normalises_amounts(
    live_server, browser, demo, http, viewport
):
    page = await signed_in_page(browser, live_server, demo.password, viewport)
    form = page.locator("#interception")
    # Choices show their names, never their codes; nothing is pre-chosen but "now".
    options = await form.locator("option").all_inner_texts()
    assert not CODES & {o.strip() for o in options}
    assert {"柜面", "60岁及以上", "虚假网络贷款"} <= set(options)
    for select in ("#channel", "#fraud_type", "#victim_age_band", "#event_id"):
        assert await page.input_value(select) == ""
    assert await page.input_value("#amount_saved") == ""
    # "Now" is filled in once the page has looked for a kept draft (there is none).
    await page.wait_for_function("document.getElementById('occurred_at').value !== ''")
    assert await page.locator("label[for=channel] .req").count() == 1

    # Saving an empty form: Chinese messages next to the fields, nothing stored.
    await page.fill("#amount_saved", "八万")
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#channel-error:not([hidden])")
    assert await page.inner_text("#channel-error") == "请选择一项。"
    assert "请输入金额" in await page.inner_text("#amount_saved-error")
    assert await page.get_attribute("#channel", "aria-invalid") == "true"
    await assert_accessible(page)
    if viewport == PHONE:
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "staff-form-validation-phone.png"))

    # Full-width digits are read as the amount and shown back before saving.
    case_no = f"NJ-{secrets.token_hex(4)}"
    await fill_interception(page, "８６０００", case_no)
    assert await page.inner_text("#amount_saved-echo") == "将保存为 ¥86,000.00"
    await page.fill("#amount_saved", "¥86,000")
    assert await page.inner_text("#amount_saved-echo") == "将保存为 ¥86,000.00"
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.ok")
    result = page.locator("#interception-result")
    assert await result.get_attribute("aria-live") == "polite"
    assert await result.is_visible()
    box = await result.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]
    number = (await result.inner_text()).split()[-1]
    if viewport == PHONE:
        await screenshot(page, "staff-form-saved-phone", full_page=False)

    [saved] = await records_with_case_no(http, demo.password, case_no)
    assert str(saved["id"]) == number
    assert saved["amount_saved"] == "86000.00"
    assert (saved["channel"], saved["fraud_type"]) == ("counter", "fake_loan")
    assert saved["victim_age_band"] == "60_plus"
    # The form starts again, empty, for the next one.
    assert await page.input_value("#amount_saved") == ""
    assert await page.input_value("#channel") == ""


async def test_server_refusal_is_shown_next_to_its_field(live_server, browser, demo, http):
    page = await signed_in_page(browser, live_server, demo.password, PHONE)
    await fill_interception(page, "500", "x" * 10)
    # Before 2000: the browser lets it through, the server refuses it and names the field.
    await page.fill("#occurred_at", "1999-12-31T10:00")

    # A slow link: the button stays disabled until the server has answered.
    async def slowly(route: Any) -> None:
        await asyncio.sleep(1.5)
        await route.continue_()

    await page.route("**/api/interceptions", slowly)
    await page.click("#interception button[type=submit]")
    assert await page.is_disabled("#interception button[type=submit]")
    await page.wait_for_selector("#occurred_at-error:not([hidden])")
    assert await page.inner_text("#interception-result") == "请更正下方标出的内容。"
    assert "2000" in await page.inner_text("#occurred_at-error")
    assert "发生时间" in await page.inner_text("#occurred_at-error")
    assert not await page.is_disabled("#interception button[type=submit]")


async def test_logged_offline_survives_a_reload_and_is_sent_once(live_server, browser, demo, http):
    page = await signed_in_page(browser, live_server, demo.password, DESKTOP)
    # The service worker must control the page before the signal goes.
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.reload()
    assert await page.evaluate("Boolean(navigator.serviceWorker.controller)")
    case_no = f"OFF-{secrets.token_hex(4)}"
    await page.context.set_offline(True)
    await fill_interception(page, "12,345.6", case_no)
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.queued")
    assert "无网络" in await page.inner_text("#interception-result")
    assert await page.locator("#outbox li").count() == 1
    assert "待发送" in await page.inner_text("#outbox-card")
    await screenshot(page, "staff-outbox-offline-desktop", full_page=False)

    # A draft half-typed offline comes back after the reload, with the queue.
    await page.fill("#description", "第二笔草稿")
    # Kept as typed (the draft is written to IndexedDB on every input event).
    await page.wait_for_function(
        "FangzhaOutbox.draft().then((d) => d && d.values.description === '第二笔草稿')"
    )
    await page.reload()
    # The page reads the queue and the draft back from IndexedDB once loaded.
    await page.wait_for_selector("#outbox li")
    await page.wait_for_function("document.getElementById('description').value !== ''")
    assert await page.locator("#outbox li").count() == 1
    assert "¥12,345.60" in await page.inner_text("#outbox li")
    assert await page.input_value("#description") == "第二笔草稿"
    assert await records_with_case_no(http, demo.password, case_no) == []

    await page.context.set_offline(False)
    await page.wait_for_selector("#outbox-card", state="hidden", timeout=15000)
    [saved] = await records_with_case_no(http, demo.password, case_no)
    assert saved["amount_saved"] == "12345.60"
    # Another reload and the `online` event again: still exactly one.
    await page.reload()
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.wait_for_timeout(500)
    assert len(await records_with_case_no(http, demo.password, case_no)) == 1


async def test_logs_over_plain_http_on_a_lan_host_name(live_server, demo, http):
    """No secure context there: no crypto.randomUUID, no service worker; it still logs."""
    from playwright.async_api import async_playwright

    port = live_server.rsplit(":", 1)[1]
    # fangzha.example is among the allowed hosts of the test settings.
    rules = "--host-resolver-rules=MAP fangzha.example 127.0.0.1"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules]
        )
        try:
            base = f"http://fangzha.example:{port}"
            page = await signed_in_page(browser, base, demo.password, PHONE)
            assert not await page.evaluate("window.isSecureContext")
            assert await page.evaluate("typeof crypto.randomUUID") == "undefined"
            case_no = f"LAN-{secrets.token_hex(4)}"
            await fill_interception(page, "86000", case_no)
            await page.click("#interception button[type=submit]")
            await page.wait_for_selector("#interception-result.ok")
        finally:
            await browser.close()
    [saved] = await records_with_case_no(http, demo.password, case_no)
    assert saved["amount_saved"] == "86000.00"
