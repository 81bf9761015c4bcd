"""The per-event report as CSV and XLSX: the numbers of GET /api/reports/events, every event."""

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl

from tests.exports.test_reports import WINDOW, seeded  # noqa: F401 - the report's fixture

TITLES = ["活动ID", "标题", "举办场次", "受众人次", "已核实拦截(笔)", "挽回金额(元)"]


async def _report(client, headers, params: dict[str, Any]) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/reports/events", params={**params, "limit": 500}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


async def test_the_workbook_holds_the_reports_numbers_in_its_order(client, world, seeded):  # noqa: F811
    headers = world.auth("admin")
    params = {**WINDOW, "sort": "-attendees"}
    items = await _report(client, headers, params)
    assert len(items) >= 3
    response = await client.get("/api/exports/impact.xlsx", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert "event-impact" in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    ident, title, held, people, verified, saved = (header.index(t) for t in TITLES)
    pending, per_head = header.index("待核实金额(元)"), header.index("人均挽回金额(元)")
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    body, totals = rows[:-1], rows[-1]
    assert [row[ident] for row in body] == [item["event_id"] for item in items]
    for row, item in zip(body, items, strict=True):
        assert row[title] == item["title"]
        assert row[held] == item["occurrences_held"]
        assert row[people] == item["attendees"]
        assert row[verified] == item["interceptions"]
        assert Decimal(str(row[saved])) == Decimal(item["amount_saved"])
        assert Decimal(str(row[pending])) == Decimal(item["amount_pending"])
        if item["amount_per_attendee"] is None:
            assert row[per_head] is None
        else:
            assert Decimal(str(row[per_head])) == Decimal(item["amount_per_attendee"])
    assert totals[0] == "合计"
    assert totals[people] == sum(item["attendees"] for item in items)
    assert Decimal(str(totals[saved])) == sum(Decimal(item["amount_saved"]) for item in items)
    # An amount per attendee is not summed.
    assert totals[per_head] is None
    assert any(item["amount_per_attendee"] not in (None, "0.00") for item in items)


async def test_the_csv_follows_the_filters_and_the_callers_branches(client, world, seeded):  # noqa: F811
    headers = world.auth("staff_ls")
    params = {**WINDOW, "sort": "-amount_saved"}
    items = await _report(client, headers, params)
    assert items
    everyone = await _report(client, world.auth("admin"), params)
    assert len(items) < len(everyone)
    response = await client.get("/api/exports/impact.csv", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, rows = lines[0], lines[1:]
    ident, _, held, people, verified, saved = (header.index(t) for t in TITLES)
    assert [
        (int(r[ident]), int(r[held]), int(r[people]), int(r[verified]), r[saved]) for r in rows
    ] == [
        (
            i["event_id"],
            i["occurrences_held"],
            i["attendees"],
            i["interceptions"],
            i["amount_saved"],
        )
        for i in items
    ]


async def test_bad_filters_are_refused_before_the_file_starts(client, world, seeded):  # noqa: F811
    headers = world.auth("admin")
    for params in (
        {"from": "2025-02-01", "to": "2025-01-01"},
        {"branch": "NOWHERE"},
        {"sort": "-venue"},
    ):
        response = await client.get("/api/exports/impact.xlsx", params=params, headers=headers)
        report = await client.get("/api/reports/events", params=params, headers=headers)
        # As the report refuses them: 422 for a filter, 400 for a sort it does not know.
        assert response.status_code == report.status_code, (params, response.text)
        assert response.status_code in (400, 422)
        assert response.json()["detail"] == report.json()["detail"]
    assert (await client.get("/api/exports/impact.csv", params=WINDOW)).status_code == 401
