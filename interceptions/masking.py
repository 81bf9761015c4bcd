"""Masks mainland ID-card and mobile numbers in free text before it is stored.

Interceptions must hold no victim's personal numbers, yet staff paste them
into notes. Digits are matched only as whole runs: a longer run (a bank
reference, a police case number) is left alone. Full-width digits count too,
since Chinese input methods produce them.
"""

import re
from datetime import date

import msgspec

_D = "0-9\uff10-\uff19"
_DIGIT = f"[{_D}]"
_NOT_AFTER_DIGIT = f"(?<![{_D}])"
_NOT_BEFORE_DIGIT = f"(?![{_D}Xx])"

# 18 characters: 17 digits and a check character (digit or X).
_ID_18 = re.compile(f"{_NOT_AFTER_DIGIT}({_DIGIT}{{17}}[{_D}Xx\uff38])(?![{_D}])")
# The first-generation 15-digit form; only masked when it holds a real birth date,
# so that other 15-digit numbers survive.
_ID_15 = re.compile(f"{_NOT_AFTER_DIGIT}({_DIGIT}{{15}}){_NOT_BEFORE_DIGIT}")
# 1[3-9]x xxxx xxxx, optionally after +86 / 86 and with spaces or dashes between groups.
_SEP = r"[ \-\u2010-\u2015\u3000]?"
_MOBILE = re.compile(
    f"{_NOT_AFTER_DIGIT}(?P<prefix>(?:\\+|\uff0b)?86{_SEP})?"
    f"(?P<head>1[3-9\uff13-\uff19]{_DIGIT}|\uff11[3-9\uff13-\uff19]{_DIGIT}){_SEP}"
    f"(?P<mid>{_DIGIT}{{4}}){_SEP}(?P<tail>{_DIGIT}{{4}})(?![{_D}])"
)

TEXT_FIELDS = ("description", "attribution_note", "police_case_no", "review_note")


class MaskedItem(msgspec.Struct, frozen=True):
    field: str
    kind: str  # id_card | mobile


def _ascii_digits(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in text)


def _plausible_15(digits: str) -> bool:
    plain = _ascii_digits(digits)
    if plain[0] not in "12345678":
        return False
    try:
        date(1900 + int(plain[6:8]), int(plain[8:10]), int(plain[10:12]))
    except ValueError:
        return False
    return True


def mask_text(text: str) -> tuple[str, list[str]]:
    """The text with personal numbers masked, and the kinds that were found."""
    kinds: list[str] = []

    def id_card(match: re.Match[str]) -> str:
        number = match.group(1)
        if len(number) == 15 and not _plausible_15(number):
            return number
        if "id_card" not in kinds:
            kinds.append("id_card")
        return number[:4] + "*" * (len(number) - 8) + number[-4:]

    def mobile(match: re.Match[str]) -> str:
        if "mobile" not in kinds:
            kinds.append("mobile")
        return f"{match.group('prefix') or ''}{match.group('head')}****{match.group('tail')}"

    text = _ID_18.sub(id_card, text)
    text = _ID_15.sub(id_card, text)
    text = _MOBILE.sub(mobile, text)
    return text, kinds


def mask_fields(values: dict[str, str]) -> tuple[dict[str, str], list[MaskedItem]]:
    """Masks each text field; answers the cleaned values and what was masked where."""
    cleaned: dict[str, str] = {}
    found: list[MaskedItem] = []
    for field, text in values.items():
        cleaned[field], kinds = mask_text(text)
        found.extend(MaskedItem(field=field, kind=kind) for kind in kinds)
    return cleaned, found
