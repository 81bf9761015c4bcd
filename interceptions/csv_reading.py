"""Turning an uploaded spreadsheet file into header and numbered rows."""

import csv
import io
import re
from datetime import datetime

from core.errors import Unprocessable
from interceptions.csv_columns import IMPORT_COLUMNS, REQUIRED_COLUMNS, column_for
from interceptions.views import DISPLAY_ZONE

MAX_ROWS = 20_000
_MAX_CELL = 100_000


def decode(raw: bytes) -> str:
    """UTF-8 with or without Excel's BOM; GB18030 as Chinese Excel's "CSV" saves it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unprocessable("The file is not text; save it from Excel as “CSV UTF-8”.")


def read_records(text: str) -> list[tuple[int, list[str]]]:
    """Records numbered as a spreadsheet shows them (the header is row 1); blank rows dropped."""
    if "\x00" in text:
        raise Unprocessable("The file contains NUL characters; it is not a CSV text file.")
    csv.field_size_limit(_MAX_CELL)
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append((row_number, cells))
            if len(records) > MAX_ROWS + 1:
                raise Unprocessable(
                    f"The file has more than {MAX_ROWS} rows; split it into smaller files."
                )
    except csv.Error as exc:
        raise Unprocessable(f"Row {row_number + 1} cannot be read as CSV: {exc}.") from None
    return records


def map_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Import field → column index, and the header cells the import ignores."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        field = column_for(cell)
        if field is None:
            if cell.strip():
                ignored.append(cell.strip()[:100])
            continue
        if field in positions:
            raise Unprocessable(f"The header names the column {cell.strip()!r} twice.")
        positions[field] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        wanted = ", ".join(f"{name} ({IMPORT_COLUMNS[name]})" for name in missing)
        raise Unprocessable(
            f"The first row must be the header; it lacks the columns {wanted}. "
            f"Columns: {', '.join(IMPORT_COLUMNS)}."
        )
    return positions, ignored


_LOCAL = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_time(text: str) -> datetime:
    """ISO 8601 with offset, or a local China time as spreadsheets write it."""
    value = text.strip()
    match = _LOCAL.fullmatch(value)
    if match:
        year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=DISPLAY_ZONE)
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=DISPLAY_ZONE)
    return instant
