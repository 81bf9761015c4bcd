"""Outreach distances: kilometres with one decimal on the wire, integer tenths in the database."""

import re

from core.errors import DomainError

MAX_TENTHS = 100_000  # 10,000.0 km: more than any one outreach trip

_DISTANCE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class DistanceError(DomainError):
    """A travel distance a coordinator has to correct; the message says how."""


def parse_km(text: str) -> int:
    """'56.5' → 565 tenths of a kilometre. Refuses negatives, extra decimals and words."""
    candidate = text.strip()
    if candidate.startswith("-"):
        raise DistanceError("travel_km cannot be negative.")
    if not _DISTANCE.fullmatch(candidate):
        raise DistanceError(
            'travel_km "{text}" is not a distance: write kilometres as digits with at most one '
            'decimal, for example "56.5".',
            text=text[:20],
        )
    whole, _, decimals = candidate.partition(".")
    if len(decimals) > 1:
        raise DistanceError(
            'travel_km "{text}" has more than one decimal; round it to 100 m, for example "56.5".',
            text=text[:20],
        )
    tenths = int(whole) * 10 + int(decimals or "0")
    if tenths > MAX_TENTHS:
        raise DistanceError("travel_km may be at most 10000.0 km for one event.")
    return tenths


def format_km(tenths: int) -> str:
    """565 → '56.5'."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}"
