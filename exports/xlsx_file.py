"""Sheets as Excel workbooks: typed cells, a totals row, built on disk by a child process.

xlsxwriter is pure Python: a thread of the server would hold the GIL while it
writes and keep the event loop waiting, so the server only reads the pages and
hands them to `python -m exports.xlsx_process`, which writes the workbook with
WorkbookBuilder. xlsxwriter's constant_memory mode writes each row to a
temporary file as soon as the next one starts, so memory stays flat however
many rows there are; the finished workbook is read back from disk in chunks.
Excel holds at most 1,048,576 rows a sheet: a longer export continues on further sheets.
"""

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import anyio
import xlsxwriter
from anyio.abc import ByteSendStream
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exports.export_sheets import sheet_key
from exports.spreadsheet import Column, Kind, Row, Sheet
from interceptions.display import DISPLAY_ZONE

# Data rows a sheet holds: Excel's 1,048,576 rows less the header and the totals row.
SHEET_DATA_ROWS = 1_048_576 - 2
_MAX_CELL = 32_767
_CHUNK = 256 * 1024
# Enough of the child's stderr to hold its traceback.
_ERROR_TAIL = 4096
# The folder holding the exports package: the child runs the same code as the server.
_ROOT = Path(__file__).resolve().parents[1]
_TOTALS_LABEL = "合计"

_NUMBER_FORMATS = {
    # Yuan with the Chinese locale's currency sign, two decimals.
    Kind.MONEY: "[$¥-804]#,##0.00",
    Kind.RATE: "[$¥-804]#,##0.00",
    Kind.INSTANT: "yyyy-mm-dd hh:mm:ss",
    Kind.COUNT: "#,##0",
    Kind.ID: "0",
    Kind.NUMBER: "0",
}
_WIDTHS = {Kind.INSTANT: 20, Kind.MONEY: 16, Kind.RATE: 16, Kind.TYPED: 30, Kind.ID: 10}
_SUMMED = (Kind.COUNT, Kind.MONEY)


def _width(column: Column) -> int:
    # A Chinese character is about two columns wide.
    return max(_WIDTHS.get(column.kind, 10), min(40, 2 * len(column.title) + 2))


def excel_time(value: datetime) -> datetime:
    """The instant as a wall-clock time in the branch network's zone (Excel has no zones)."""
    return value.astimezone(DISPLAY_ZONE).replace(tzinfo=None)


class WorkbookBuilder:
    """Rows in, one workbook out, in the child process (exports/xlsx_process.py)."""

    def __init__(self, sheet: Sheet, path: str, folder: str, rows_per_sheet: int) -> None:
        self._sheet = sheet
        self._rows_per_sheet = rows_per_sheet
        self._book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "tmpdir": folder,
                # Typed text stays text: never a formula, a link or a number.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._header = self._book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True}
        )
        self._formats: dict[Kind, Format] = {
            kind: self._book.add_format({"num_format": pattern})
            for kind, pattern in _NUMBER_FORMATS.items()
        }
        self._totals_formats: dict[Kind, Format] = {
            kind: self._book.add_format(
                {"num_format": _NUMBER_FORMATS[kind], "bold": True, "top": 1}
            )
            for kind in _SUMMED
        }
        self._label = self._book.add_format({"bold": True, "top": 1})
        self._sheets = 0
        self._start_sheet()

    def _start_sheet(self) -> None:
        self._sheets += 1
        name = self._sheet.name if self._sheets == 1 else f"{self._sheet.name}({self._sheets})"
        self._ws: Worksheet = self._book.add_worksheet(name)
        for index, column in enumerate(self._sheet.columns):
            self._ws.set_column(index, index, _width(column), self._formats.get(column.kind))
            self._ws.write_string(0, index, column.title, self._header)
        self._ws.freeze_panes(1, 0)
        self._next_row = 1
        self._totals = [0] * len(self._sheet.columns)

    def _finish_sheet(self) -> None:
        last = self._next_row - 1  # the last data row (0-based); 0 when there is none
        columns = self._sheet.columns
        self._ws.autofilter(0, 0, last, len(columns) - 1)
        totals_row = self._next_row
        self._ws.write_string(totals_row, 0, _TOTALS_LABEL, self._label)
        for index, column in enumerate(columns):
            if column.kind not in _SUMMED:
                continue
            total: Decimal = Decimal(self._totals[index])
            if column.kind is Kind.MONEY:
                total /= 100
            fmt = self._totals_formats[column.kind]
            if last == 0:
                self._ws.write_number(totals_row, index, float(total), fmt)
                continue
            # SUBTOTAL(109, …) sums the rows the autofilter leaves visible; the
            # exact total is stored as the value readers show before recalculating.
            letter = xl_col_to_name(index)
            formula = f"=SUBTOTAL(109,{letter}2:{letter}{last + 1})"
            self._ws.write_formula(totals_row, index, formula, fmt, total)

    def add(self, rows: list[Row]) -> None:
        columns = self._sheet.columns
        for row in rows:
            if self._next_row > self._rows_per_sheet:
                self._finish_sheet()
                self._start_sheet()
            for index, column in enumerate(columns):
                self._write(index, column, column.value(row))
            self._next_row += 1

    def _write(self, index: int, column: Column, value: Any) -> None:
        if value is None:
            return
        row = self._next_row
        kind = column.kind
        if kind in (Kind.MONEY, Kind.RATE):
            if kind is Kind.MONEY:
                self._totals[index] += value
            self._ws.write_number(row, index, value / 100, self._formats[kind])
        elif kind is Kind.INSTANT:
            self._ws.write_datetime(row, index, excel_time(value), self._formats[kind])
        elif isinstance(value, int):
            if kind is Kind.COUNT:
                self._totals[index] += value
            self._ws.write_number(row, index, value, self._formats.get(kind))
        else:
            # A string cell is never evaluated, so XLSX needs no apostrophe.
            self._ws.write_string(row, index, str(value)[:_MAX_CELL])

    def close(self) -> None:
        self._finish_sheet()
        self._book.close()


def _tail(errors: IO[bytes]) -> str:
    errors.seek(0, os.SEEK_END)
    errors.seek(max(0, errors.tell() - _ERROR_TAIL))
    return errors.read().decode(errors="replace").strip()


async def _send(stdin: ByteSendStream, pages: AsyncIterator[list[Row]]) -> None:
    try:
        async for rows in pages:
            await stdin.send(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    except anyio.BrokenResourceError:
        return  # the child stopped reading: its exit status and stderr say why
    await stdin.aclose()  # end of input: the child closes the workbook


async def _build(key: str, path: str, folder: str, pages: AsyncIterator[list[Row]]) -> None:
    """Writes the workbook at path in a child process, fed the pages through its stdin."""
    # Read now rather than in the child, so that the server decides it.
    rows_per_sheet = str(SHEET_DATA_ROWS)
    command = [sys.executable, "-m", "exports.xlsx_process", key, path, folder, rows_per_sheet]
    # A file rather than a pipe: a child writing much to stderr cannot block on it.
    with tempfile.TemporaryFile(dir=folder) as errors:
        process = await anyio.open_process(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, cwd=_ROOT
        )
        # Leaving the block reaps the child, also when the export is cancelled.
        async with process:
            try:
                assert process.stdin is not None
                await _send(process.stdin, pages)
                status = await process.wait()
            finally:
                # A client gone midway, or a page that failed: the workbook is wanted no more.
                if process.returncode is None:
                    process.kill()
        if status != 0:
            raise RuntimeError(
                f"the XLSX export's child process exited with status {status}:\n{_tail(errors)}"
            )


async def _chunks(key: str, pages: AsyncIterator[list[Row]]) -> AsyncIterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="fangzha-export-") as folder:
        path = os.path.join(folder, "export.xlsx")
        await _build(key, path, folder, pages)
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(_CHUNK):
                yield chunk


def xlsx_chunks(sheet: Sheet, pages: AsyncIterator[list[Row]]) -> AsyncIterator[bytes]:
    """The workbook, built from the pages by a child process, then read back from disk."""
    # Looked up before the response starts: an unregistered sheet answers 500, not a cut file.
    return _chunks(sheet_key(sheet), pages)
