"""Masks mainland ID-card, mobile and bank card numbers in free text before it is stored.

Interceptions must hold no victim's personal numbers, yet staff paste them
into notes, written every way people write them: `530102 19900101 1234`,
`+86 (138) 1234-5678`, `0086.138.1234.5678`, `6222 0212 3456 7890 123`, with
non-breaking or zero-width spaces, and in full-width digits from Chinese input
methods.

How a number is found: the text is cut into *runs* of digits joined by short
separators (spaces of every kind, zero-width characters, dashes, dots,
slashes, brackets); a separator splits a run into *groups*. A personal number
is one group or several neighbouring groups, so it never starts or ends in the
middle of a digit string: a longer run (a bank reference, a police case
number) is left alone. Within a run the longest match at each group wins:

- ID card: 18 characters (17 digits and a check digit or X); written in
  several groups (6-8-4), it must hold a real birth date, so that an amount and
  a phone number side by side are not read as one ID. The retired 15-digit form
  only in one group and with a real birth date: written in groups, too many
  dates and amounts would look like one.
- Mobile: 11 digits `1[3-9]…`, optionally after 86 or 0086 (the `+` stays).
- Bank card: 16–19 digits passing the Luhn check (never starting with 0), in
  one group or in groups of four. Not looked for in `police_case_no`: a case
  number is a long number by nature, and the field is meant for it.

Amounts (`86000.00`), dates (`2025-06-01`) and times are too short to match
alone; an amount with two decimals is never joined with its neighbours (so
`2025-06-13 8000000.00` is a date and an amount, not a phone number).

Masked forms: `5301**********1234`, `138****5678` (an 86/0086 prefix kept),
and `6222 **** **** 0128` for cards (first and last four digits; the length is
hidden).
"""

import itertools
import re
from dataclasses import dataclass
from datetime import date

import msgspec

ID_CARD = "id_card"
MOBILE = "mobile"
BANK_CARD = "bank_card"

_D = "0-9\uff10-\uff19"
_SEPARATORS = (
    # spaces, including no-break, ideographic and the invisible zero-width ones
    " \t\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff\u00ad"
    # dashes and minus signs
    r"\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d"
    # dots
    r".\u00b7\u2022\u2027\u30fb\uff0e\uff65"
    # slashes and brackets
    r"/\\\uff0f()\[\]\uff08\uff09\u3010\u3011"
)
_CHECK_X = "Xx\uff38"
_DOTS = (".", "\uff0e")
# An X may close a run: an ID's check character. It only counts when it makes
# an 18-character ID, so an X that starts a word does no harm.
_RUN = re.compile(
    f"[{_D}]+(?:[{_SEPARATORS}]{{1,3}}[{_D}]+)*(?:[{_SEPARATORS}]{{0,3}}[{_CHECK_X}])?"
)
_GROUP = re.compile(f"[{_D}]+[{_CHECK_X}]?|[{_CHECK_X}]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIXES = ("", "86", "0086")
# The longest number looked for: a 19-digit card.
_LONGEST = 19
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

TEXT_FIELDS = ("description", "attribution_note", "police_case_no", "review_note")
# Fields where a long number is expected and is not read as a bank card.
_NO_CARDS = frozenset({"police_case_no"})


class MaskedItem(msgspec.Struct, frozen=True):
    field: str
    kind: str  # id_card | mobile | bank_card


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    chars: str  # as written (full-width digits stay full-width)
    digits: str  # ASCII digits, X upper-case


def _ascii(text: str) -> str:
    return "".join(
        chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else ("X" if c in _CHECK_X else c)
        for c in text
    )


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_checksum(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _birth_date_18(digits: str) -> bool:
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return 1900 <= year <= 2099 and _real_date(year, month, day)


def _plausible_15(digits: str) -> bool:
    if digits[0] not in "12345678":
        return False
    return _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))


def _card_number(digits: str) -> bool:
    """16–19 digits passing the Luhn check; no card number begins with 0."""
    return 16 <= len(digits) <= _LONGEST and digits.isdigit() and digits[0] != "0" and _luhn(digits)


def _in_card_groups(groups: list[_Group]) -> bool:
    """One group, or groups of four digits (the last one 1–4), as cards are printed."""
    if len(groups) == 1:
        return True
    return all(len(g.digits) == 4 for g in groups[:-1]) and 1 <= len(groups[-1].digits) <= 4


def _kind(groups: list[_Group], cards: bool) -> tuple[str, int] | None:
    """The kind of personal number these groups form, and the length of a mobile prefix."""
    digits = "".join(g.digits for g in groups)
    several = len(groups) > 1
    if len(digits) == 18 and digits[:17].isdigit() and (digits[17].isdigit() or digits[17] == "X"):
        an_id = not several or _birth_date_18(digits)
        a_card = cards and _card_number(digits) and _in_card_groups(groups)
        if a_card and not (an_id and _id_checksum(digits)):
            return BANK_CARD, 0
        return (ID_CARD, 0) if an_id else None
    if not digits.isdigit():
        return None
    if cards and _card_number(digits) and _in_card_groups(groups):
        return BANK_CARD, 0
    if len(digits) == 15 and not several and _plausible_15(digits):
        return ID_CARD, 0
    for prefix in _MOBILE_PREFIXES:
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return MOBILE, len(prefix)
    return None


def _masked(text: str, groups: list[_Group], kind: str, prefix: int) -> str:
    chars = "".join(g.chars for g in groups)
    if kind == BANK_CARD:
        return f"{chars[:4]} **** **** {chars[-4:]}"
    if kind == ID_CARD:
        return chars[:4] + "*" * (len(chars) - 8) + chars[-4:]
    # A mobile keeps its country prefix as written, separators and all.
    offset = groups[0].start
    for group in groups:
        if prefix < len(group.chars):
            offset = group.start + prefix
            break
        prefix -= len(group.chars)
    number = chars[-11:]
    return f"{text[groups[0].start : offset]}{number[:3]}****{number[-4:]}"


def _groups(text: str, run: re.Match[str]) -> list[_Group]:
    base = run.start()
    return [
        _Group(base + g.start(), base + g.end(), g.group(), _ascii(g.group()))
        for g in _GROUP.finditer(run.group())
    ]


def _amounts(text: str, groups: list[_Group]) -> set[int]:
    """Groups that are an amount with two decimals ("5656554.55"): never part of a number.

    Amounts worth joining by mistake have at least three digits before the dot.

    A number written with single dots in several places (138.1234.5678, a date
    2025.06.13) is not an amount; a lone dot before two final digits is.
    """
    seps = [""] + [text[a.end : b.start] for a, b in itertools.pairwise(groups)] + [""]
    found: set[int] = set()
    for k in range(1, len(groups)):
        lone_dot = seps[k] in _DOTS and seps[k - 1] not in _DOTS and seps[k + 1] not in _DOTS
        whole = groups[k - 1].digits
        if (
            lone_dot
            and len(whole) >= 3
            and len(groups[k].digits) == 2
            and groups[k].digits.isdigit()
        ):
            found.update((k - 1, k))
    return found


def _find(text: str, groups: list[_Group], cards: bool) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, masked form) of the personal numbers in one run."""
    amounts = _amounts(text, groups)
    if amounts:
        found: list[tuple[int, int, str, str]] = []
        segment: list[_Group] = []
        for index, group in enumerate([*groups, None]):
            if group is None or index in amounts:
                found.extend(_find_in(text, segment, cards))
                segment = []
            else:
                segment.append(group)
        return found
    return _find_in(text, groups, cards)


def _find_in(text: str, groups: list[_Group], cards: bool) -> list[tuple[int, int, str, str]]:
    found: list[tuple[int, int, str, str]] = []
    first = 0
    while first < len(groups):
        last = first
        length = 0
        ends: list[int] = []
        while last < len(groups) and length + len(groups[last].digits) <= _LONGEST:
            length += len(groups[last].digits)
            ends.append(last)
            last += 1
        for end in reversed(ends):
            window = groups[first : end + 1]
            kind = _kind(window, cards)
            if kind is not None:
                masked = _masked(text, window, *kind)
                found.append((window[0].start, window[-1].end, kind[0], masked))
                first = end + 1
                break
        else:
            first += 1
    return found


def mask_text(text: str, *, cards: bool = True) -> tuple[str, list[str]]:
    """The text with personal numbers masked, and the kinds that were found (first seen first)."""
    kinds: list[str] = []
    pieces: list[str] = []
    done = 0
    for run in _RUN.finditer(text):
        for start, end, kind, masked in _find(text, _groups(text, run), cards):
            pieces.append(text[done:start])
            pieces.append(masked)
            done = end
            if kind not in kinds:
                kinds.append(kind)
    pieces.append(text[done:])
    return "".join(pieces), kinds


def personal_numbers(text: str) -> list[str]:
    """The kinds of personal number in `text` (empty when there is none)."""
    return mask_text(text)[1]


def mask_fields(values: dict[str, str]) -> tuple[dict[str, str], list[MaskedItem]]:
    """Masks each text field; answers the cleaned values and what was masked where."""
    cleaned: dict[str, str] = {}
    found: list[MaskedItem] = []
    for field, text in values.items():
        cleaned[field], kinds = mask_text(text, cards=field not in _NO_CARDS)
        found.extend(MaskedItem(field=field, kind=kind) for kind in kinds)
    return cleaned, found
