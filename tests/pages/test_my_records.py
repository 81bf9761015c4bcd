"""我的记录 in Chromium: review state and note, corrections while logged, the calendar QR."""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import zxingcpp

from tests.pages.axe import assert_accessible
from tests.pages.screenshots import screenshot
from tests.pages.test_pages import sign_in
from tests.pages.test_staff_desk import PHONE, signed_in_page

# The QR drawn on a canvas and read back as grey pixels: what a phone camera would see.
_QR_PIXELS = """async () => {
  const svg = document.querySelector("#calendar-qr svg");
  const image = new Image();
  image.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const size = 400;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, size, size);
  context.drawImage(image, 0, 0, size, size);
  const rgba = context.getImageData(0, 0, size, size).data;
  const grey = [];
  for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i]);
  return {size, grey};
}"""


async def log(http: httpx.AsyncClient, headers: dict[str, str], amount: str) -> dict[str, Any]:
    body = {
        "client_ref": secrets.token_hex(8),
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": amount,
        "police_case_no": f"MR-{secrets.token_hex(3)}",
    }
    response = await http.post("/api/interceptions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


async def test_my_records_show_reviews_and_take_corrections(live_server, browser, demo, http):
    staff = await sign_in(http, "lk_staff", demo.password)
    reviewed = await log(http, staff, "300")
    waiting = await log(http, staff, "450")
    coord = await sign_in(http, "nj_coord", demo.password)
    verify = await http.post(
        f"/api/interceptions/{reviewed['id']}/verify", json={"note": "已与公安核对"}, headers=coord
    )
    assert verify.status_code == 200, verify.text

    page = await signed_in_page(browser, live_server, demo.password, PHONE)
    await page.click("text=我的记录")
    await page.wait_for_url(f"{live_server}/staff/records")
    done = page.locator(f'li.record[data-id="{reviewed["id"]}"]')
    assert "已核实" in await done.inner_text()
    assert "已与公安核对" in await done.inner_text()
    assert await done.locator("a.edit").count() == 0
    open_one = page.locator(f'li.record[data-id="{waiting["id"]}"]')
    assert "待审核" in await open_one.inner_text()
    assert "¥450.00" in await open_one.inner_text()
    await assert_accessible(page)
    await screenshot(page, "staff-my-records-phone")

    await open_one.locator("a.edit").click()
    await page.wait_for_url(f"{live_server}/staff/records/{waiting['id']}")
    assert await page.input_value("#amount_saved") == "450.00"
    assert await page.input_value("#channel") == "counter"
    assert await page.input_value("#police_case_no") == waiting["police_case_no"]
    await assert_accessible(page)
    await page.fill("#amount_saved", "４８０")
    await page.click("#interception button[type=submit]")
    await page.wait_for_selector("#interception-result.ok")
    assert await page.inner_text("#interception-result") == "修改已保存。"
    staff = await sign_in(http, "lk_staff", demo.password)
    changed = (await http.get(f"/api/interceptions/{waiting['id']}", headers=staff)).json()
    assert changed["amount_saved"] == "480.00"
    assert changed["police_case_no"] == waiting["police_case_no"]
    # A reviewed record is not offered for correction.
    await page.goto(f"{live_server}/staff/records/{reviewed['id']}")
    assert page.url.endswith("/staff/records")


async def test_private_calendar_qr_decodes_to_my_feed(live_server, browser, demo, http):
    staff = await sign_in(http, "lk_staff", demo.password)
    me = (await http.get("/api/users/me", headers=staff)).json()
    page = await signed_in_page(browser, live_server, demo.password, PHONE)
    await page.goto(f"{live_server}/staff/records")
    assert await page.input_value("#feed-url") == me["private_calendar_url"]
    svg = page.locator("#calendar-qr svg")
    assert await svg.get_attribute("viewBox")
    assert (await svg.bounding_box() or {}).get("width", 0) <= PHONE["width"]
    pixels = await page.evaluate(_QR_PIXELS)
    size = pixels["size"]
    image = memoryview(bytes(pixels["grey"])).cast("B", (size, size))
    [found] = zxingcpp.read_barcodes(image)
    # The code leads to /subscribe for this private feed, which hands the phone the address.
    token = me["private_calendar_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert found.text == f"{live_server}/subscribe?private={token}"
    subscribe = await http.get(found.text.replace(live_server, ""))
    assert subscribe.status_code == 200
    assert subscribe.headers["cache-control"] == "private, no-store"
    assert f'value="{me["private_calendar_url"]}"' in subscribe.text
    feed = await http.get(me["private_calendar_url"].replace(live_server, ""))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
