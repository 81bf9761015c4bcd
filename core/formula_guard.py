"""The CSV formula guard: text a spreadsheet would run as a formula, made inert and back.

Excel and WPS run a cell that starts with `=`, `+`, `-` or `@` (and a tab or
carriage return in front of those) as a formula (OWASP "CSV injection"), so an
export puts an apostrophe in front. Text that already starts with apostrophes
before such a character gets one more, so that `unguard` can tell the guard's
apostrophe from one a user typed: the round trip export → import gives back
exactly the text that was stored.
"""

import re

# Apostrophes, then a character a spreadsheet starts a formula with.
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_ADDED = re.compile(r"'+[=+\-@\t\r]")


def guard(text: str) -> str:
    """The text as a CSV cell that no spreadsheet evaluates."""
    return "'" + text if _GUARDED.match(text) else text


def unguard(text: str) -> str:
    """The stored text of a cell `guard` wrote; any other text unchanged."""
    return text[1:] if _ADDED.match(text) else text
