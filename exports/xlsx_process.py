"""The child process that writes an XLSX export, so that the server's event loop never waits for it.

xlsxwriter is pure Python: in a thread of the server it held the GIL while it
wrote, and every other request waited for it (/health p99 of 200-340 ms during
a 20,000-row export). The server (exports/xlsx_file.py) runs

    python -m exports.xlsx_process <sheet-key> <path> <tmpdir> <rows-per-sheet>

and writes the rows on stdin as pickled pages (lists of dicts, as the sheet's
columns read them) until it closes stdin. Exit status 0 means the workbook is
complete at <path>; anything else leaves the traceback on stderr. The process
imports the sheets' columns, never the app, and opens no database.
"""

import pickle
import sys

from exports.export_sheets import SHEETS
from exports.xlsx_file import WorkbookBuilder


def main(arguments: list[str]) -> None:
    key, path, folder, rows_per_sheet = arguments
    builder = WorkbookBuilder(SHEETS[key], path, folder, int(rows_per_sheet))
    pages = sys.stdin.buffer
    while True:
        try:
            # Only the server that started this process writes here: its pages are trusted.
            rows = pickle.load(pages)  # noqa: S301
        except EOFError:
            break
        builder.add(rows)
    builder.close()


if __name__ == "__main__":
    main(sys.argv[1:])
