"""The one meaning of `from` and `to` on every list, report and export.

`from` is inclusive and `to` exclusive as instants; a date without a time means
the whole day in the home zone, so `to=2025-03-20` includes the 20th (a
coordinator who writes "to the 20th" means the 20th too) and `from=2025-03-20`
starts at its midnight. A time without an offset is read in the home zone.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.errors import Unprocessable
from core.home_zone import HOME_ZONE

# Stored instants lie in 2000–2099; bounds a decade beyond still answer (nothing).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2110, 1, 1, tzinfo=UTC)

# Said once, used in every OpenAPI parameter description and the README.
FROM_DESCRIPTION = (
    "Window start, inclusive: a date (2025-03-01, from its midnight in China time) or "
    "an ISO 8601 time (2025-03-01T09:00:00+08:00; without an offset, China time)"
)
TO_DESCRIPTION = (
    "Window end: a date includes that whole day in China time (to=2025-03-20 includes "
    "the 20th); an ISO 8601 time is exclusive"
)


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None


def _bound(name: str, text: str | None, *, end: bool) -> datetime | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if "T" in value and value.count(" ") == 1:
        # An unencoded "+08:00" arrives as " 08:00".
        value = value.replace(" ", "+")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            if end:
                day += timedelta(days=1)
            instant = datetime.combine(day, time(), HOME_ZONE)
        else:
            instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if instant.tzinfo is None:
                instant = instant.replace(tzinfo=HOME_ZONE)
        instant = instant.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Unprocessable(
            "`{name}`: “{value}” is not a date or time; write e.g. 2025-03-01 or "
            "2025-03-01T09:00:00+08:00.",
            name=name,
            value=value[:40],
        ) from None
    if not EARLIEST <= instant <= LATEST:
        raise Unprocessable(
            "`{name}`: “{value}” is too far in the past or future.", name=name, value=value[:40]
        )
    return instant


def window_start(text: str | None) -> datetime | None:
    """A `from` value as a UTC instant (inclusive), None when absent."""
    return _bound("from", text, end=False)


def window_end(text: str | None) -> datetime | None:
    """A `to` value as a UTC instant the window stops before (a date: the next midnight)."""
    return _bound("to", text, end=True)


def parse_window(start: str | None, end: str | None) -> Window:
    """`from` and `to` of a query string, checked to be in order."""
    window = Window(window_start(start), window_end(end))
    if window.start is not None and window.end is not None and window.end <= window.start:
        raise Unprocessable("`to` must be after `from`.")
    return window
