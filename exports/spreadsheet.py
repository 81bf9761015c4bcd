"""Rows to files a coordinator opens in Excel or WPS: CSV (UTF-8 with BOM) and XLSX."""

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import quote

import xlsxwriter

Cell = str | int | None

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Without the BOM, Excel reads UTF-8 as the local code page and Chinese turns to mojibake.
BOM = "\ufeff"
# A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAX_CELL = 32_767


@dataclass(frozen=True)
class Table:
    """A sheet: column titles, rows, and which columns hold text users typed."""

    name: str
    titles: list[str]
    rows: list[list[Cell]]
    free_text: frozenset[int] = field(default_factory=frozenset)


def neutralise(value: str) -> str:
    """Typed text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Cell, free_text: bool) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str) and free_text:
        return neutralise(value)
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM, CRLF line ends, every cell quoted only where needed."""
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.titles)
    for row in table.rows:
        writer.writerow(
            [_csv_cell(value, index in table.free_text) for index, value in enumerate(row)]
        )
    return buffer.getvalue().encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One worksheet; text cells are written as strings, never as formulas or links."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(table.name)
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(table.titles):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, max(10, min(40, 2 * len(title) + 2)))
    for row_index, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int):
                sheet.write_number(row_index, column, value)
            else:
                # A string cell is never evaluated, so XLSX needs no apostrophe.
                sheet.write_string(row_index, column, value[:_XLSX_MAX_CELL])
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def attachment(stem: str, ascii_stem: str, extension: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    fallback = "".join(c for c in ascii_stem if c.isascii() and (c.isalnum() or c in "-_."))
    return (
        f'attachment; filename="{fallback}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}.{extension}', safe='')}"
    )
