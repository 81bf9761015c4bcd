"""Turning an uploaded spreadsheet file into header and numbered rows."""

import codecs
import csv
import io
import re
from datetime import datetime
from typing import BinaryIO

from core.errors import Unprocessable
from interceptions import csv_limits
from interceptions.csv_columns import IMPORT_COLUMNS, REQUIRED_COLUMNS, column_for
from interceptions.display import DISPLAY_ZONE

_MAX_CELL = 100_000
_SCAN = 1024 * 1024


def detect_encoding(file: BinaryIO) -> str:
    """UTF-8 with or without Excel's BOM; GB18030 as Chinese Excel's "CSV" saves it.

    Reads the file once in chunks (memory stays flat), then rewinds it.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        file.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := file.read(_SCAN):
                if "\x00" in decoder.decode(chunk):
                    raise Unprocessable(
                        "The file contains NUL characters; it is not a CSV text file."
                    )
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        file.seek(0)
        return encoding
    raise Unprocessable("The file is not text; save it from Excel as “CSV UTF-8”.")


class RecordReader:
    """Records numbered as a spreadsheet shows them (the header is row 1); blank rows dropped.

    `take` reads the next records from the file: call it from a worker thread.
    """

    def __init__(self, file: BinaryIO, encoding: str) -> None:
        csv.field_size_limit(_MAX_CELL)
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        self._rows = enumerate(csv.reader(text), start=1)
        self._row_number = 0
        self.count = 0

    def take(self, wanted: int) -> list[tuple[int, list[str]]]:
        records: list[tuple[int, list[str]]] = []
        try:
            for row_number, cells in self._rows:
                self._row_number = row_number
                if not any(cell.strip() for cell in cells):
                    continue
                records.append((row_number, cells))
                self.count += 1
                # The header is one record more than the rows.
                if self.count > csv_limits.MAX_ROWS + 1:
                    raise Unprocessable(
                        "The file has more than {count:,} rows; split it into smaller files.",
                        count=csv_limits.MAX_ROWS,
                    )
                if len(records) == wanted:
                    break
        except csv.Error as exc:
            raise Unprocessable(
                "Row {row} cannot be read as CSV: {exc}.", row=self._row_number + 1, exc=exc
            ) from None
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
            raise Unprocessable("The header names the column {value!r} twice.", value=cell.strip())
        positions[field] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        wanted = ", ".join(f"{name} ({IMPORT_COLUMNS[name]})" for name in missing)
        raise Unprocessable(
            "The first row must be the header; it lacks the columns {wanted}. Columns: {choices}.",
            wanted=wanted,
            choices=", ".join(IMPORT_COLUMNS),
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
