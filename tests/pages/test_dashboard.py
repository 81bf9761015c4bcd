"""The dashboard in Chromium: its tables and charts hold the summary report's numbers."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.pages.axe import assert_accessible
from tests.pages.test_pages import sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).parents[2] / "screenshots"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}

_CHART = """(id) => {
  const option = echarts.getInstanceByDom(document.getElementById(id)).getOption();
  return {
    categories: [...option.xAxis, ...option.yAxis].find((a) => a.type === "category").data,
    series: Object.fromEntries(option.series.map((s) => [s.id, s.data])),
  };
}"""

_TABLE = """(id) => Array.from(
  document.querySelectorAll(`#${id} tbody tr[data-key]`)
).map((tr) => ({
  key: tr.dataset.key,
  values: Array.from(tr.querySelectorAll("td[data-value]")).map((td) => td.dataset.value),
}))"""


async def coordinator_page(browser: Any, base: str, password: str, viewport: dict[str, int]) -> Any:
    context = await browser.new_context(locale="zh-CN", viewport=viewport, accept_downloads=True)
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("#username", "nj_coord")
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/login" not in url)
    await page.goto(f"{base}/dashboard?year=2025")
    await page.wait_for_function("document.querySelector('#month-chart svg') !== null")
    return page


def money(value: Any) -> Decimal:
    return Decimal(str(value))


# How many lines each column title of a table takes.
_LINES_OF_TITLES = """(id) => [...document.querySelectorAll(`#${id} thead th`)].map((th) => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return range.getClientRects().length;
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_tables_and_charts_equal_the_summary_report(
    live_server, browser, demo, http, viewport
):
    headers = await sign_in(http, "nj_coord", demo.password)
    report = (await http.get("/api/reports/summary", params=YEAR, headers=headers)).json()
    assert report["interceptions"]["verified"] > 0
    page = await coordinator_page(browser, live_server, demo.password, viewport)

    assert await page.inner_text("#interceptions") == str(report["interceptions"]["verified"])
    await assert_accessible(page)
    assert await page.inner_text("#attendees") == str(report["attendees"])

    for figure, key in [
        ("fraud_type", "fraud_type"),
        ("branch", "code"),
        ("age_band", "victim_age_band"),
        ("month", "month"),
    ]:
        rows = report[f"by_{figure}"]
        table = await page.evaluate(_TABLE, f"{figure}-table")
        assert [r["key"] for r in table] == [str(r[key]) for r in rows], figure
        for shown, row in zip(table, rows, strict=True):
            assert shown["values"] == [
                str(row["verified"]),
                row["amount_saved"],
                str(row["pending"]),
            ], figure
        chart = await page.evaluate(_CHART, f"{figure}-chart")
        if figure == "month":
            assert chart["categories"] == [f"2025-{m:02d}" for m in range(1, 13)]
            by_month = {r["month"]: r for r in rows}
            for month, amount, verified in zip(
                chart["categories"],
                chart["series"]["amount_saved"],
                chart["series"]["verified"],
                strict=True,
            ):
                row = by_month.get(month, {"amount_saved": "0", "verified": 0})
                assert money(amount) == money(row["amount_saved"]), month
                assert verified == row["verified"], month
        else:
            assert len(chart["categories"]) == len(rows)
            assert [money(v) for v in chart["series"]["amount_saved"]] == [
                money(r["amount_saved"]) for r in rows
            ]
            assert chart["series"]["verified"] == [r["verified"] for r in rows]
    total = sum(
        money(v) for v in (await page.evaluate(_CHART, "month-chart"))["series"]["amount_saved"]
    )
    assert total == money(report["interceptions"]["amount_saved"])

    # Attendance and app installs by month: the summary's own rows, table and chart.
    attended = report["attendance_by_month"]
    assert attended, "the demo has attendance in 2025"
    assert sum(r["attendees"] for r in attended) == report["attendees"]
    outreach = await page.evaluate(_TABLE, "outreach-table")
    assert [(r["key"], r["values"]) for r in outreach] == [
        (r["month"], [str(r["attendees"]), str(r["app_installs"])]) for r in attended
    ]
    chart = await page.evaluate(_CHART, "outreach-chart")
    assert chart["categories"] == [f"2025-{m:02d}" for m in range(1, 13)]
    by_month = {r["month"]: r for r in attended}
    empty = {"attendees": 0, "app_installs": 0}
    assert chart["series"]["attendees"] == [
        by_month.get(m, empty)["attendees"] for m in chart["categories"]
    ]
    assert chart["series"]["app_installs"] == [
        by_month.get(m, empty)["app_installs"] for m in chart["categories"]
    ]
    assert sum(chart["series"]["app_installs"]) == report["app_installs"] > 0

    # Top events: those of the per-event report sorted by amount saved.
    impact = await http.get(
        "/api/reports/events",
        params={**YEAR, "sort": "-amount_saved", "limit": 10},
        headers=headers,
    )
    top = await page.evaluate(_TABLE, "top-table")
    assert [int(r["key"]) for r in top] == [e["event_id"] for e in impact.json()["items"]]
    assert [r["values"][-1] for r in top] == [e["amount_saved"] for e in impact.json()["items"]]

    if viewport == PHONE:
        # Every table fits the phone's width (no page to scroll sideways, no column cut
        # off), and each column title stays on one line ("已核实", not "已核" over "实").
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for table in ("month", "fraud_type", "branch", "age_band", "outreach"):
            box = await page.locator(f"#{table}-table thead th").last.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= PHONE["width"], table
            assert await page.evaluate(_LINES_OF_TITLES, f"{table}-table") == [1] * len(
                await page.locator(f"#{table}-table thead th").all()
            ), table
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
        await page.screenshot(path=str(SCREENSHOTS / "dashboard-phone-top.png"))
        await page.locator("#month-chart").scroll_into_view_if_needed()
        await page.screenshot(path=str(SCREENSHOTS / "dashboard-phone-charts.png"))
        await page.locator("#fraud_type-chart").scroll_into_view_if_needed()
        await page.screenshot(path=str(SCREENSHOTS / "dashboard-phone-fraud-types.png"))


async def test_export_button_downloads_a_workbook_of_the_year(
    live_server, browser, demo, http, tmp_path
):
    headers = await sign_in(http, "nj_coord", demo.password)
    page = await coordinator_page(browser, live_server, demo.password, DESKTOP)
    async with page.expect_download() as waiting:
        await page.click("#export-interceptions-xlsx")
    download = await waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    listed = await http.get("/api/interceptions", params={**YEAR, "limit": 500}, headers=headers)
    # Data rows carry the record's number first; the last row holds the totals.
    exported = sorted(row[0] for row in rows[1:] if isinstance(row[0], int))
    assert exported == sorted(item["id"] for item in listed.json()["items"])
    assert exported
    assert "挽回金额" in "".join(str(c) for c in rows[0])
    async with page.expect_download() as waiting:
        await page.click("#export-events-csv")
    csv_file = await (await waiting.value).path()
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")

    # Beside the top events: every event of the per-event report, in the table's order.
    async with page.expect_download() as waiting:
        await page.click("#export-impact-xlsx")
    path = tmp_path / "impact.xlsx"
    await (await waiting.value).save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).active
    header, *body, totals = list(sheet.iter_rows(values_only=True))
    impact = await http.get(
        "/api/reports/events",
        params={**YEAR, "sort": "-amount_saved", "limit": 500},
        headers=headers,
    )
    items = impact.json()["items"]
    assert items
    assert impact.json()["total"] == len(items)
    ident, people, saved = (header.index(t) for t in ("活动ID", "受众人次", "挽回金额(元)"))
    assert [row[ident] for row in body] == [item["event_id"] for item in items]
    assert [row[people] for row in body] == [item["attendees"] for item in items]
    assert [money(row[saved]) for row in body] == [money(item["amount_saved"]) for item in items]
    assert money(totals[saved]) == sum(money(item["amount_saved"]) for item in items)


async def test_choosing_a_campaign_narrows_every_figure(live_server, browser, demo, http):
    headers = await sign_in(http, "nj_coord", demo.password)
    campaigns = (await http.get("/api/campaigns", params={"limit": 100}, headers=headers)).json()
    chosen = None
    for campaign in campaigns["items"]:
        params = {**YEAR, "campaign": campaign["id"]}
        report = (await http.get("/api/reports/summary", params=params, headers=headers)).json()
        if report["attendees"] and report["by_fraud_type"]:
            chosen = campaign, report
            break
    assert chosen is not None, "a 2025 demo campaign has attendance and interceptions"
    campaign, report = chosen
    whole_year = (await http.get("/api/reports/summary", params=YEAR, headers=headers)).json()
    assert report["attendees"] < whole_year["attendees"]

    page = await coordinator_page(browser, live_server, demo.password, PHONE)
    await page.select_option("#campaign", str(campaign["id"]))
    async with page.expect_navigation():
        await page.click(".filters button[type=submit]")
    assert f"campaign={campaign['id']}" in page.url
    assert await page.inner_text("#attendees") == str(report["attendees"])
    table = await page.evaluate(_TABLE, "fraud_type-table")
    assert [(r["key"], r["values"][1]) for r in table] == [
        (r["fraud_type"], r["amount_saved"]) for r in report["by_fraud_type"]
    ]
    href = await page.get_attribute("#export-attendance-xlsx", "href")
    assert href is not None
    assert f"campaign={campaign['id']}" in href
    assert "from=2025-01-01" in href
    impact = await page.get_attribute("#export-impact-xlsx", "href")
    assert impact is not None
    assert impact.startswith("/api/exports/impact.xlsx?")
    assert f"campaign={campaign['id']}" in impact
    assert "sort=-amount_saved" in impact
