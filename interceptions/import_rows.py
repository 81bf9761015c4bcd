"""The rows an import stores, as the checks leave them in the spool file."""

import pickle
from typing import Any, BinaryIO, NamedTuple

from interceptions.tables import Interception

# Every column a new row fills, in the order of PreparedRow.values; defaults come
# from the table, so a column added later needs no change here.
NEW_ROW_COLUMNS = tuple(c for c in Interception._meta.columns if not c._meta.primary_key)
NAMES = ", ".join(f'"{c._meta.db_column_name}"' for c in NEW_ROW_COLUMNS)


class PreparedRow(NamedTuple):
    values: tuple[Any, ...]
    client_ref: str
    changes: str  # the history entry's JSON


def next_chunk(spool: BinaryIO) -> list[PreparedRow]:
    """The next chunk the checks spooled, or [] at the end."""
    try:
        chunk: list[PreparedRow] = pickle.load(spool)  # noqa: S301 - our own temporary file
    except EOFError:
        return []
    return chunk


def sqlite_insert() -> str:
    """One row's INSERT on SQLite (the seeds of tests and benchmarks use it)."""
    marks = ", ".join("?" for _ in NEW_ROW_COLUMNS)
    return f"INSERT INTO interception ({NAMES}) VALUES ({marks})"  # noqa: S608 - names from the table
