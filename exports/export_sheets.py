"""Every exported sheet by its key, so that the workbook's child process finds the server's sheet.

The child (exports/xlsx_process.py) gets the key on its command line: columns
hold functions, which cannot be sent to another process, so both look them up here.
"""

from exports.export_columns import ATTENDANCE, EVENTS, INTERCEPTIONS
from exports.impact_export import IMPACT
from exports.spreadsheet import Sheet

SHEETS = {sheet.ascii_stem: sheet for sheet in (EVENTS, ATTENDANCE, INTERCEPTIONS, IMPACT)}


def sheet_key(sheet: Sheet) -> str:
    """The sheet's key; an unregistered sheet is a programming error, found on its first export."""
    if SHEETS.get(sheet.ascii_stem) is not sheet:
        raise RuntimeError(f"sheet {sheet.ascii_stem!r} is not in exports/export_sheets.py SHEETS")
    return sheet.ascii_stem
