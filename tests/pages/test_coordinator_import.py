"""Calendar import in the browser: a file, the preview of what it will do, then the import."""

import re

import pytest

from tests.pages.coordinator_steps import VIEWPORTS, api_headers, signed_in_page
from tests.pages.screenshots import screenshot


def calendar(*events: tuple[str, str, int, str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lushui police//Talks//ZH"]
    for uid, title, sequence, day in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20300101T000000Z",
            f"SEQUENCE:{sequence}",
            f"SUMMARY:{title}",
            f"DTSTART;TZID=Asia/Shanghai:{day}T100000",
            f"DTEND;TZID=Asia/Shanghai:{day}T113000",
            "LOCATION:泸水市派出所会议室",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


async def _titles(http, headers) -> dict[str, str]:
    found = await http.get(
        "/api/events", params={"from": "2030-06-01", "to": "2030-07-01"}, headers=headers
    )
    return {e["uid"]: e["title"] for e in found.json()["items"]}


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_coordinator_imports_a_calendar_after_the_preview(
    live_server, browser, demo, http, viewport
):
    headers = await api_headers(http, "nj_coord", demo.password)
    tag = viewport["viewport"]["width"]
    first = calendar((f"talk-a-{tag}@police", "警银联合讲座", 0, "20300605"))
    imported = await http.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", first, "text/calendar")},
        headers=headers,
    )
    assert imported.status_code == 200, imported.text
    before = await _titles(http, headers)

    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    await page.goto(f"{live_server}/coordinator/import")
    # Neither an address nor a file: the page says what is missing.
    await page.click("#preview-import")
    assert "地址" in await page.inner_text("#source-error")

    second = calendar(
        (f"talk-a-{tag}@police", "警银联合讲座(改期)", 1, "20300612"),
        (f"talk-b-{tag}@police", "养老诈骗防范讲座", 0, "20300619"),
    )
    await page.set_input_files(
        "#file", {"name": "police.ics", "mimeType": "text/calendar", "buffer": second}
    )
    await page.click("#preview-import")
    preview = page.locator("#import-preview")
    await preview.wait_for()
    assert await page.inner_text("#preview-created") == "1"
    assert await page.inner_text("#preview-updated") == "1"
    rows = {
        await row.locator("td").first.inner_text(): await row.locator("td").last.inner_text()
        for row in await preview.locator("tbody tr").all()
    }
    assert rows == {"警银联合讲座(改期)": "将更新", "养老诈骗防范讲座": "将新建"}
    # The preview stored nothing.
    assert await _titles(http, headers) == before

    await page.click("#confirm-import")
    await page.locator("#import-done").wait_for()
    assert await page.inner_text("#done-created") == "1"
    assert await page.inner_text("#done-updated") == "1"
    after = await _titles(http, headers)
    assert after[f"talk-a-{tag}@police"] == "警银联合讲座(改期)"
    assert after[f"talk-b-{tag}@police"] == "养老诈骗防范讲座"
    await page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
async def test_a_calendar_that_cannot_be_imported_says_why(
    live_server, browser, demo, http, viewport
):
    page = await signed_in_page(browser, live_server, "nj_coord", demo.password, viewport)
    await page.goto(f"{live_server}/coordinator/import")
    broken = calendar(("late@police", "结束早于开始", 0, "20300605")).replace(
        b"T113000", b"T090000"
    )
    await page.set_input_files(
        "#file", {"name": "p.ics", "mimeType": "text/calendar", "buffer": broken}
    )
    await page.click("#preview-import")
    rejected = page.locator("#import-rejected")
    await rejected.wait_for()
    said = await rejected.inner_text()
    assert "结束早于开始" in said
    # The reason is worded in Chinese too, not only the page around it.
    assert not re.search(r"[A-Za-z]{4,}", said.replace("UID", "")), said
    assert await page.locator("#confirm-import").count() == 0
    if viewport is VIEWPORTS[0]:
        await screenshot(page, "coordinator-import-refused-phone")
    await page.context.close()
