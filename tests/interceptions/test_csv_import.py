"""CSV import: checked row by row, then all rows or none."""

import csv
import io
import time

import pytest

from interceptions.csv_columns import EXPORT_COLUMNS, IMPORT_COLUMNS
from tests.interceptions.conftest import history

HEADER = list(IMPORT_COLUMNS)


def row(n: int, **overrides: str) -> dict[str, str]:
    values = {
        "client_ref": f"csv-{n}",
        "occurred_at": "2025-06-01T10:00:00+08:00",
        "branch_code": "NJ-LK",
        "channel": "counter",
        "fraud_type": "order_brushing",
        "amount_saved": f"{n}.50",
        "victim_age_band": "18_34",
        "description": f"第{n}笔",
        "event_id": "",
        "attribution_note": "",
        "police_case_no": "",
    }
    values.update(overrides)
    return values


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    for values in rows:
        writer.writerow([values[name] for name in HEADER])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


async def upload(client, world, data: bytes, user: str = "staff_lk", dry_run: bool = False):
    return await client.post(
        "/api/imports/interceptions",
        params={"dry_run": "true"} if dry_run else None,
        files={"file": ("interceptions.csv", data, "text/csv")},
        headers=world.auth(user),
    )


async def total(client, world) -> int:
    response = await client.get("/api/interceptions", headers=world.auth("admin"))
    return response.json()["total"]


async def test_import_stores_every_row_with_history(client, world):
    response = await upload(client, world, to_csv([row(i) for i in range(1, 4)]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "dry_run": False,
        "rows": 3,
        "imported": 3,
        "skipped": [],
        "ignored_columns": [],
    }
    listed = await client.get("/api/interceptions", headers=world.auth("coord_lk"))
    items = sorted(listed.json()["items"], key=lambda i: i["client_ref"])
    assert [i["amount_saved"] for i in items] == ["1.50", "2.50", "3.50"]
    assert all(i["logged_by"] == world.users["staff_lk"] for i in items)
    assert all(i["status"] == "logged" for i in items)
    for item in items:
        trail = await history(client, world, item["id"])
        assert [t["action"] for t in trail] == ["create"]
        assert trail[0]["changes"]["amount_saved"] == [None, item["amount_saved"]]


async def test_must_show_4_bad_row_among_1000_imports_nothing_and_names_it(client, world):
    rows = [row(i) for i in range(1, 1001)]
    rows[500] = row(501, amount_saved="86,000")  # spreadsheet row 502 (the header is row 1)
    response = await upload(client, world, to_csv(rows))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"] == [
        {
            "row": 502,
            "column": "amount_saved",
            "field": "amount_saved",
            "reason": body["errors"][0]["reason"],
        }
    ]
    assert "86,000" in body["errors"][0]["reason"]
    assert "row 502" in body["detail"]
    assert "Nothing was imported" in body["detail"]
    assert await total(client, world) == 0


async def test_every_bad_row_and_column_is_reported(client, world, make_event):
    future_event = await make_event(
        "NJ-LK",
        starts_at=__import__("datetime").datetime(2025, 7, 1, tzinfo=__import__("datetime").UTC),
    )
    rows = [
        row(1),
        row(2, amount_saved="-1", fraud_type="pyramid"),
        row(3, branch_code="NJ-LS"),
        row(4, branch_code="XX"),
        row(5, occurred_at="yesterday"),
        row(6, occurred_at="2999-01-01 10:00"),
        row(7, event_id=str(future_event)),
        row(8, event_id="abc"),
        row(9, client_ref="csv-1"),
        row(10, channel=""),
        row(11, victim_age_band="old"),
        row(12, police_case_no="9" * 101),
    ]
    response = await upload(client, world, to_csv(rows))
    assert response.status_code == 422
    found = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert found == {
        (3, "amount_saved"),
        (3, "fraud_type"),
        (4, "branch_code"),
        (5, "branch_code"),
        (6, "occurred_at"),
        (7, "occurred_at"),
        (8, "event_id"),
        (9, "event_id"),
        (10, "client_ref"),
        (11, "channel"),
        (12, "victim_age_band"),
        (13, "police_case_no"),
    }
    assert all(e["reason"] for e in response.json()["errors"])
    assert await total(client, world) == 0


async def test_bom_chinese_titles_labels_and_local_times(client, world):
    header = [IMPORT_COLUMNS[name] for name in HEADER]
    rows = [
        row(
            1,
            fraud_type="冒充公检法",
            channel="柜面",
            victim_age_band="60岁及以上",
            occurred_at="2025/6/1 9:05",
            branch_code="NJ-LK-A",
        ),
        row(2, description="电话13812345678", occurred_at="2025-06-02 10:00:00"),
    ]
    response = await upload(client, world, to_csv(rows, header=header, bom=True))
    assert response.status_code == 201, response.text
    items = (await client.get("/api/interceptions", headers=world.auth("admin"))).json()["items"]
    by_ref = {i["client_ref"]: i for i in items}
    first = by_ref["csv-1"]
    assert first["fraud_type"] == "impersonating_authorities"
    assert first["channel"] == "counter"
    assert first["victim_age_band"] == "60_plus"
    assert first["occurred_at"] == "2025-06-01T09:05:00+08:00"
    assert first["branch_id"] == world.branches["NJ-LK-A"]
    assert by_ref["csv-2"]["description"] == "电话138****5678"
    assert by_ref["csv-2"]["masked"] == [{"field": "description", "kind": "mobile"}]


async def test_export_titles_with_extra_columns_import_back(client, world):
    header = list(EXPORT_COLUMNS.values())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    values = row(1)
    writer.writerow([values.get(name, "x") for name in EXPORT_COLUMNS])
    response = await upload(client, world, ("\ufeff" + out.getvalue()).encode())
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1
    assert set(response.json()["ignored_columns"]) == {
        EXPORT_COLUMNS[name] for name in EXPORT_COLUMNS if name not in IMPORT_COLUMNS
    }


async def test_dry_run_checks_only(client, world):
    response = await upload(client, world, to_csv([row(1), row(2)]), dry_run=True)
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["imported"] == 0
    assert response.json()["rows"] == 2
    assert await total(client, world) == 0
    bad = await upload(client, world, to_csv([row(1), row(2, amount_saved="0.001")]), dry_run=True)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["row"] == 3


async def test_reimport_skips_rows_already_stored(client, world):
    first = await upload(client, world, to_csv([row(1), row(2)]))
    assert first.status_code == 201
    again = await upload(client, world, to_csv([row(1), row(2), row(3)]))
    assert again.status_code == 201
    assert again.json()["imported"] == 1
    assert [(s["row"], s["client_ref"]) for s in again.json()["skipped"]] == [
        (2, "csv-1"),
        (3, "csv-2"),
    ]
    assert await total(client, world) == 3
    # A key held by a record the importer cannot see is an error, not a skip.
    hidden = await upload(client, world, to_csv([row(1, branch_code="")]), user="staff_ls")
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["column"] == "client_ref"


async def test_raw_text_csv_body_is_accepted(client, world):
    response = await client.post(
        "/api/imports/interceptions",
        content=to_csv([row(1)]),
        headers={**world.auth("staff_lk"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1


async def test_bad_files_are_4xx(client, world):
    cases = [
        b"",
        b"just,some,words\n1,2,3\n",
        "\ufeff".encode() + ",".join(HEADER).encode() + b"\n",
        b"\x00\x01\x02binary",
        b"\xff\xfe\x00\x00garbage",
        ",".join(HEADER).encode() + b'\n"unterminated,' + b"x" * 200_000,
    ]
    for data in cases:
        response = await upload(client, world, data)
        assert 400 <= response.status_code < 500, (data[:30], response.text)
        assert response.json()["detail"]
    assert (
        await client.post("/api/imports/interceptions", headers=world.auth("staff_lk"))
    ).status_code == 422
    no_file = await client.post(
        "/api/imports/interceptions",
        files={"other": ("a.csv", b"x")},
        headers=world.auth("staff_lk"),
    )
    assert no_file.status_code == 422
    assert (await client.post("/api/imports/interceptions", content=b"a")).status_code == 401
    # A raw body is streamed to disk unread by the request checks; its reader refuses NUL.
    nul = await client.post(
        "/api/imports/interceptions",
        content=to_csv([row(1, description="客户\x00来电")]),
        headers={**world.auth("staff_lk"), "Content-Type": "text/csv"},
    )
    assert 400 <= nul.status_code < 500, nul.text
    assert "NUL" in nul.json()["detail"]
    assert await total(client, world) == 0


async def test_ten_thousand_rows_in_one_request(client, world):
    data = to_csv(
        [
            row(i, description=f"第{i}笔：老人欲向投资导师转账，柜员劝阻成功")
            for i in range(1, 10_001)
        ]
    )
    assert len(data) > 1024 * 1024  # above the JSON body limit
    started = time.monotonic()
    response = await upload(client, world, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.text[:500]
    assert response.json()["imported"] == 10_000
    assert await total(client, world) == 10_000
    listed = await client.get(
        "/api/interceptions", params={"limit": 1}, headers=world.auth("coord_lk")
    )
    ident = listed.json()["items"][0]["id"]
    assert [t["action"] for t in await history(client, world, ident)] == ["create"]
    assert elapsed < 60


async def test_row_numbers_count_records_as_a_spreadsheet_shows_them(client, world):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    multi = row(1, description="第一行\n第二行\n第三行")
    writer.writerow([multi[name] for name in HEADER])
    writer.writerow([])  # a blank row Excel keeps
    bad = row(2, fraud_type="unknown")
    writer.writerow([bad[name] for name in HEADER])
    response = await upload(client, world, out.getvalue().encode())
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(4, "fraud_type")]


async def test_gb18030_file_from_chinese_excel_is_read(client, world):
    header = [IMPORT_COLUMNS[name] for name in HEADER]
    data = to_csv([row(1, description="柜面劝阻")], header=header).decode().encode("gb18030")
    response = await upload(client, world, data)
    assert response.status_code == 201, response.text
    listed = await client.get("/api/interceptions", headers=world.auth("admin"))
    assert listed.json()["items"][0]["description"] == "柜面劝阻"


async def test_errors_name_the_column_as_the_file_titles_it(client, world):
    header = [IMPORT_COLUMNS[name] for name in HEADER]
    rows = [row(1), row(2), row(3, amount_saved="1e5")]
    response = await upload(client, world, to_csv(rows, header=header, bom=True))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["row"], error["column"], error["field"]) == (4, "挽回金额(元)", "amount_saved")
    assert "row 4" in response.json()["detail"]
    assert await total(client, world) == 0


async def test_a_single_interception_goes_through_while_a_large_import_runs(client, world):
    """The import checks its rows off the event loop and before its write transaction."""
    import asyncio

    from interceptions import csv_import
    from tests.interceptions.conftest import new_body

    loop = asyncio.get_running_loop()
    checking = asyncio.Event()
    check_chunk = csv_import._check_chunk

    def spy(*args):  # runs in a worker thread
        loop.call_soon_threadsafe(checking.set)
        return check_chunk(*args)

    data = to_csv([row(i) for i in range(1, 20_001)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_import, "_check_chunk", spy)
        big = asyncio.create_task(upload(client, world, data))
        await asyncio.wait_for(checking.wait(), 120)
        single = await client.post(
            "/api/interceptions", json=new_body(), headers=world.auth("staff_lka")
        )
        assert single.status_code == 201, single.text
        # The single POST waited neither for the checks nor for the import's writes.
        assert not big.done()
        response = await big
    assert response.status_code == 201, response.text[:300]
    assert response.json()["imported"] == 20_000
    assert await total(client, world) == 20_001
