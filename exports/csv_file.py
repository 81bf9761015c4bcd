"""Sheets as CSV streamed page by page: UTF-8 with BOM, the text the import reads back."""

import csv
import io
from collections.abc import AsyncIterator

import anyio.to_thread

from core.formula_guard import guard
from core.money import format_fen
from exports.spreadsheet import Column, Kind, Row, Sheet

# Without the BOM, Excel reads UTF-8 as the local code page and Chinese turns to mojibake.
BOM = "\ufeff"


def _cell(column: Column, row: Row) -> str | int:
    value = column.value(row)
    if value is None:
        return ""
    if column.kind in (Kind.MONEY, Kind.RATE):
        assert isinstance(value, int)
        return format_fen(value)
    if column.kind is Kind.INSTANT:
        assert not isinstance(value, str | int)
        return value.isoformat()
    if column.kind is Kind.TYPED:
        assert isinstance(value, str)
        return guard(value)
    assert isinstance(value, str | int)
    return value


def _lines(rows: list[list[str | int]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def header(sheet: Sheet) -> bytes:
    return BOM.encode("utf-8") + _lines([list(sheet.titles)])


def encode_rows(sheet: Sheet, rows: list[Row]) -> bytes:
    """CRLF line ends, every cell quoted only where needed."""
    return _lines([[_cell(column, row) for column in sheet.columns] for row in rows])


async def csv_chunks(sheet: Sheet, pages: AsyncIterator[list[Row]]) -> AsyncIterator[bytes]:
    """The file, one page of rows at a time; formatting runs in a worker thread."""
    yield header(sheet)
    async for rows in pages:
        yield await anyio.to_thread.run_sync(encode_rows, sheet, rows)
