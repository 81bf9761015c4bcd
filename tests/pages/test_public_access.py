"""Public pages for elderly eyes: sizes in both modes, contrast, axe-core, 200 % zoom at
320 px, no JavaScript needed, small pages; errors as pages in the visitor's language."""

import gzip
from typing import Any

import httpx
import pytest
from playwright.async_api import Error as PlaywrightError

from tests.pages.axe import assert_accessible
from tests.pages.public_support import IPHONE, WECHAT, phone_page

NORMAL = {"text": 16, "target": 44}
LARGE = {"text": 24, "target": 60}  # 18 pt


async def public_paths(live_server: str) -> list[str]:
    async with httpx.AsyncClient(base_url=live_server) as http:
        items = (await http.get("/api/events", params={"limit": 100})).json()["items"]
    event = next(e for e in items if e["status"] == "scheduled" and e["rrule"])
    return [
        "/",
        "/?view=month",
        "/past",
        f"/events/{event['id']}",
        "/branches/NJ-LK",
        "/subscribe",
        "/subscribe?device=apple",
        "/subscribe?device=wechat",
        "/branches/NOPE",
    ]


# Every text node's element and every target, measured as the browser lays them out.
_MEASURE = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !visible(el) || el.closest('svg')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const text = node.textContent.trim().slice(0, 20);
    small.push([el.tagName + '.' + el.className + ' "' + text + '"', size]);
  }
  const targets = [];
  for (const el of document.querySelectorAll('a[href], button, select, input:not([type=hidden])')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const text = (el.textContent || el.value || '').trim().slice(0, 20);
    targets.push([el.tagName + ' "' + text + '"', r.width, r.height]);
  }
  return {texts: small, targets};
}"""

_BORDERS = """() => {
  const rgb = (text) => text.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => { const c = [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const background = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (!c.endsWith(', 0)') && c !== 'transparent') return rgb(c); }
    return [255, 255, 255]; };
  return [...document.querySelectorAll('select, input:not([type=hidden])')].map((el) =>
    [el.name || el.id, ratio(rgb(getComputedStyle(el).borderTopColor), background(el))]);
}"""


async def check_sizes(page, wanted: dict[str, int]) -> None:
    measured = await page.evaluate(_MEASURE)
    small = [t for t in measured["texts"] if t[1] < wanted["text"] - 0.01]
    assert not small, f"{page.url}: text under {wanted['text']}px: {small[:5]}"
    tiny = [t for t in measured["targets"] if min(t[1], t[2]) < wanted["target"] - 0.5]
    assert not tiny, f"{page.url}: targets under {wanted['target']}px: {tiny[:5]}"
    assert measured["targets"], "no target measured"


@pytest.mark.parametrize("mode", ["normal", "large"])
async def test_sizes_contrast_and_axe_in_both_modes(live_server, browser, demo, mode):
    page = await phone_page(browser)
    if mode == "large":
        await page.context.add_cookies(
            [{"name": "fangzha_large", "value": "1", "url": live_server}]
        )
    wanted = LARGE if mode == "large" else NORMAL
    for path in await public_paths(live_server):
        await page.goto(f"{live_server}{path}")
        assert ("large" in (await page.get_attribute("body", "class") or "")) == (mode == "large")
        await check_sizes(page, wanted)
        for name, ratio in await page.evaluate(_BORDERS):
            assert ratio >= 3, f"{path}: border of {name} at {ratio:.2f}:1"
        await assert_accessible(page)


async def test_the_large_text_switch_works_without_javascript(live_server, browser, demo):
    page = await phone_page(browser, java_script_enabled=False)
    await page.goto(f"{live_server}/past")
    await page.click("text=大字模式")
    assert page.url == f"{live_server}/past"
    assert "large" in (await page.get_attribute("body", "class") or "")
    size = await page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('h1 + *, main p')).fontSize)"
    )
    assert size >= 24
    await page.goto(f"{live_server}/")
    assert "large" in (await page.get_attribute("body", "class") or "")
    await page.click("text=标准字号")
    assert "large" not in (await page.get_attribute("body", "class") or "")


async def test_filters_and_month_work_without_javascript(live_server, browser, demo):
    page = await phone_page(browser, java_script_enabled=False)
    await page.goto(f"{live_server}/")
    await page.click("details.filters summary")
    await page.select_option("select[name=language]", "lis")
    await page.select_option("select[name=audience]", "elderly")
    await page.click("details.filters button[type=submit]")
    assert "language=lis" in page.url
    async with httpx.AsyncClient(base_url=live_server) as http:
        items = (await http.get("/api/events", params={"limit": 100})).json()["items"]
    titles = [a.strip() for a in await page.locator("article h2").all_inner_texts()]
    assert titles, "the demo has upcoming Lisu events for elderly people"
    by_title = {e["title"]: e for e in items}
    for title in titles:
        assert "lis" in by_title[title]["languages"]
        assert "elderly" in by_title[title]["audiences"]
    assert "傈僳语" in await page.inner_text("main")
    await page.click("text=月历")
    assert await page.locator("table.month-grid").count() == 1
    await page.goto(f"{live_server}/subscribe")
    # The copy button needs a script; without one the address is still there to copy.
    assert await page.locator("button.copy").is_hidden()
    assert (await page.input_value("#feed-address")).endswith("/calendar.ics")


async def test_reflow_at_200_percent_zoom_on_a_320px_phone(live_server, browser, demo):
    page = await phone_page(browser, viewport={"width": 320, "height": 640})
    for path in await public_paths(live_server):
        await page.goto(f"{live_server}{path}")
        await page.evaluate("document.documentElement.style.zoom = '2'")
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200% zoom"


async def body_size(response: Any) -> int:
    """The response's body in bytes, as the page received it decoded. Chromium keeps no
    body for a web font it has loaded; the same URL asked again has the same one."""
    try:
        return len(await response.body())
    except PlaywrightError:
        async with httpx.AsyncClient() as http:
            again = await http.get(response.url, headers={"Accept-Encoding": "identity"})
        assert again.status_code == 200, response.url
        return len(again.content)


async def test_pages_stay_small_and_errors_speak_the_visitors_language(live_server, browser, demo):
    for agent in (IPHONE, WECHAT, None):
        page = await phone_page(browser, agent)
        # Kept as they arrive and read once the page is idle: a body read in the
        # handler could finish after the next page's count had begun.
        responses: list[Any] = []

        def keep(response: Any, responses: list[Any] = responses) -> None:
            responses.append(response)

        page.on("response", keep)
        for path in await public_paths(live_server):
            responses.clear()
            await page.goto(f"{live_server}{path}")
            await page.wait_for_load_state("networkidle")
            ours = [r for r in responses if r.url.startswith(live_server)]
            loaded = [await body_size(r) for r in ours]
            assert sum(loaded) < 30 * 1024, f"{path} loads {sum(loaded)} bytes: " + ", ".join(
                f"{r.url[len(live_server) :]} {size}" for r, size in zip(ours, loaded, strict=True)
            )
    async with httpx.AsyncClient(base_url=live_server) as http:
        for path in await public_paths(live_server):
            zipped = await http.get(path, headers={"Accept-Encoding": "gzip"})
            assert zipped.headers.get("content-encoding") == "gzip", path
        chinese = await http.get("/branches/NOPE", headers={"Accept-Language": "zh-CN"})
        english = await http.get("/branches/NOPE", headers={"Accept-Language": "en"})
        bad = await http.get("/?kind=banquet", headers={"Accept-Language": "zh-CN"})
        unknown = await http.get(
            "/no-such-page", headers={"Accept-Language": "zh-CN", "Accept": "text/html"}
        )
    assert chinese.status_code == english.status_code == 404
    assert "没有这个网点" in chinese.text
    assert "There is no branch with this code." in english.text
    assert bad.status_code == 422
    assert "没有这种活动类型" in bad.text
    assert unknown.status_code == 404
    assert "未找到" in unknown.text
    for response in (chinese, english, bad, unknown):
        assert response.headers["content-type"].startswith("text/html")
        assert "96110" in response.text
    assert gzip  # the client above asked for gzip; httpx undid it
