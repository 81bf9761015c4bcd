"""What an exported sheet is made of: typed columns, shared by the CSV and XLSX writers.

A column says what kind of value it holds, so that each file format can write it
as the reader expects: CSV as the text the import reads back, XLSX as a typed
cell (numbers that sum, dates that sort).
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FileFormat = Literal["csv", "xlsx"]

Row = dict[str, Any]


class Kind(enum.Enum):
    TEXT = "text"  # the system's own text: codes, labels, zone names
    TYPED = "typed"  # text a user typed: guarded against formulas in CSV
    ID = "id"  # a record id: an integer, never summed
    NUMBER = "number"  # an integer that is not a count of anything (capacity, version)
    COUNT = "count"  # an integer the totals row sums (people, leaflets)
    MONEY = "money"  # fen; yuan with two decimals on the page, summed exactly
    RATE = "rate"  # fen per something (per attendee): shown as money, never summed
    INSTANT = "instant"  # an aware datetime, already in the zone the CSV shows it in


Value = str | int | datetime | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind
    value: Callable[[Row], Value]


@dataclass(frozen=True)
class Sheet:
    """One export: its sheet name, file names and columns, in order."""

    name: str
    stem: str  # the file name people see (Chinese)
    ascii_stem: str  # the fallback for clients that cannot read a UTF-8 file name
    columns: tuple[Column, ...]

    @property
    def titles(self) -> list[str]:
        return [column.title for column in self.columns]


def attachment(stem: str, ascii_stem: str, extension: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    fallback = "".join(c for c in ascii_stem if c.isascii() and (c.isalnum() or c in "-_."))
    return (
        f'attachment; filename="{fallback}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}.{extension}', safe='')}"
    )
