"""Money as exact decimal strings in yuan on the wire and integer fen in the database."""

import re
from decimal import Decimal

from core.errors import DomainError

MAX_FEN = 100_000_000_00

_AMOUNT = re.compile(r"^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$")


class AmountError(DomainError):
    """An amount a person has to correct; the message says how."""


def parse_amount(text: str) -> int:
    """'86000.00' → 8600000 fen. Refuses anything a person did not mean as an amount."""
    if not isinstance(text, str):
        raise AmountError('must be a decimal string such as "86000.00"')
    candidate = text.strip()
    if not _AMOUNT.fullmatch(candidate):
        raise AmountError(
            '"{text}" is not an amount in yuan: write digits with at most two decimals and no '
            'separators, for example "86000.00"',
            text=text[:40],
        )
    fen = int(Decimal(candidate) * 100)
    if fen > MAX_FEN:
        raise AmountError("must be between 0 and 100000000.00 yuan")
    return fen


def format_fen(fen: int) -> str:
    """8600000 → '86000.00'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
