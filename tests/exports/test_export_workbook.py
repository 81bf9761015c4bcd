"""The interceptions workbook adds up, to the fen; a workbook that cannot be written fails."""

import io
import random
import traceback
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import anyio
import openpyxl
import pytest
from litestar.exceptions import LitestarException

from tests.exports.test_exports import XLSX_TYPE


async def test_money_cells_sum_to_the_summarys_amount_saved(client, world):
    rng = random.Random(8)
    users = ["staff_lk", "staff_lka", "staff_ls"]
    for n in range(40):
        fen = rng.choice([0, 1, 99, 50, rng.randrange(0, 10_000_000_000)])
        response = await client.post(
            "/api/interceptions",
            json={
                "client_ref": f"sum-{n}",
                "occurred_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+08:00",
                "channel": "counter",
                "fraud_type": rng.choice(["fake_investment", "order_brushing", "fake_loan"]),
                "amount_saved": f"{fen // 100}.{fen % 100:02d}",
            },
            headers=world.auth(rng.choice(users)),
        )
        assert response.status_code == 201, response.text
        if n % 3:
            verified = await client.post(
                f"/api/interceptions/{response.json()['id']}/verify",
                json={},
                headers=world.auth("coord"),
            )
            assert verified.status_code == 200, verified.text
    window = {"from": "2025-01-01", "to": "2025-12-31"}
    summary = await client.get("/api/reports/summary", params=window, headers=world.auth("admin"))
    amount_saved = Decimal(summary.json()["interceptions"]["amount_saved"])
    assert amount_saved > 0

    response = await client.get(
        "/api/exports/interceptions.xlsx",
        params={**window, "status": "verified"},
        headers=world.auth("admin"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    money, when, ident = (header.index(t) for t in ("挽回金额(元)", "发生时间", "记录ID"))
    rows = list(sheet.iter_rows(min_row=2))
    body, totals = rows[:-1], rows[-1]
    assert len(body) == summary.json()["interceptions"]["verified"]
    for row in body:
        assert row[money].data_type == "n"
        assert "¥" in row[money].number_format
        assert row[money].number_format.endswith("0.00")
        assert isinstance(row[when].value, datetime)
        assert row[when].is_date
        assert isinstance(row[ident].value, int)
    # Each cell holds yuan to the fen; their exact sum is the summary's figure.
    cells = [Decimal(repr(row[money].value)) for row in body]
    assert all(cell == cell.quantize(Decimal("0.01")) for cell in cells)
    assert sum(cells) == amount_saved
    assert totals[0].value == "合计"
    assert Decimal(str(totals[money].value)) == amount_saved
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(body) + 1}"


async def test_a_row_the_workbook_process_cannot_write_fails_the_export(client, world, monkeypatch):
    """The workbook is written by a child process: its failure ends the export, never hangs it."""
    from exports import export_rows

    for n in range(3):
        response = await client.post(
            "/api/interceptions",
            json={
                "client_ref": f"bad-{n}",
                "occurred_at": "2025-06-01T14:30:00+08:00",
                "channel": "counter",
                "fraud_type": "fake_investment",
                "amount_saved": "12.50",
            },
            headers=world.auth("staff_lk"),
        )
        assert response.status_code == 201, response.text
    stored_pages = export_rows.interception_pages

    async def pages_with_a_bad_amount(*args: Any) -> AsyncIterator[list[dict[str, Any]]]:
        async def pages() -> AsyncIterator[list[dict[str, Any]]]:
            async for rows in await stored_pages(*args):
                yield [{**row, "amount_saved_fen": "12.50"} for row in rows]

        return pages()

    # One row a page: more pages follow the one the child fails on.
    monkeypatch.setattr(export_rows, "PAGE_ROWS", 1)
    monkeypatch.setattr(export_rows, "interception_pages", pages_with_a_bad_amount)
    with anyio.fail_after(60), pytest.raises(LitestarException) as failure:
        await client.get("/api/exports/interceptions.xlsx", headers=world.auth("admin"))
    # The headers had gone: the body is cut short, as a client on the network sees it.
    assert str(failure.value) == "Exception caught after response started"
    # Wrapped by the stream's task group and each middleware: the whole chain, as logged.
    logged = "".join(traceback.format_exception(failure.value))
    assert "RuntimeError: the XLSX export's child process exited with status 1" in logged
    # The child's own traceback, from its own module: the server process wrote no cell.
    assert 'exports/xlsx_process.py", line' in logged
    assert "ValueError: invalid literal for int() with base 10: '12.50'" in logged
