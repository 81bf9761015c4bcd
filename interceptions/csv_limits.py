"""How large an interceptions CSV may be: one pair of numbers for the export and the import.

The interceptions export refuses a CSV the import could not take back, and the
import takes every CSV the export writes. A million rows is years of a whole
province; such a file is about 300 MB.
"""

from core.errors import Message

MAX_ROWS = 1_000_000
MAX_BYTES = 512 * 1024 * 1024

# An export row's size beyond its typed text: ids, times, labels, amount, separators.
ROW_OVERHEAD_BYTES = 400
# A character of typed text takes at most three bytes in UTF-8 for Chinese.
BYTES_PER_CHAR = 3


def too_large(rows: int, typed_chars: int) -> Message | None:
    """Why a CSV of this many rows and characters of typed text cannot be imported, or None."""
    if rows > MAX_ROWS:
        return Message(
            "An interceptions CSV holds at most {limit:,} rows so that it can be imported "
            "back; this one would hold {rows:,}. Narrow the filters (a year at a time, or a "
            "branch), or export XLSX, which has no limit.",
            limit=MAX_ROWS,
            rows=rows,
        )
    if rows * ROW_OVERHEAD_BYTES + typed_chars * BYTES_PER_CHAR > MAX_BYTES:
        return Message(
            "An interceptions CSV holds at most {mebibytes} MiB so that it can "
            "be imported back; this one could be larger. Narrow the filters (a year at a time, "
            "or a branch), or export XLSX, which has no limit.",
            mebibytes=MAX_BYTES // 1024 // 1024,
        )
    return None
