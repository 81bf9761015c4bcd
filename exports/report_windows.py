"""Report windows: which whole months the tallies answer, and the period compared with."""

from datetime import datetime

from dateutil.relativedelta import relativedelta

from exports.report_sql import REPORT_ZONE, window_sql

Window = tuple[datetime | None, datetime | None]


def _month_floor(instant: datetime) -> datetime:
    local = instant.astimezone(REPORT_ZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _month_ceiling(instant: datetime) -> datetime:
    floor = _month_floor(instant)
    return floor if floor == instant else floor + relativedelta(months=1)


def month_key(instant: datetime) -> str:
    return f"{instant.astimezone(REPORT_ZONE):%Y-%m}"


def tally_months_sql(first: datetime | None, last: datetime | None) -> tuple[str, list[str]]:
    """` AND month >= … AND month < …`: a tally's whole months from `first` up to `last`."""
    return window_sql(
        "month",
        None if first is None else month_key(first),
        None if last is None else month_key(last),
    )


def split_by_month(
    start: datetime | None, end: datetime | None
) -> tuple[Window | None, list[Window]]:
    """Whole China-time months inside [start, end) (None when there are none; an open
    side stays None), and the partial months at the edges.

    Whole months are read from the monthly tallies; the edges from the rows.
    """
    first = None if start is None else _month_ceiling(start)
    last = None if end is None else _month_floor(end)
    if first is not None and last is not None and first >= last:
        return None, [(start, end)]
    edges: list[Window] = []
    if start is not None and first is not None and first != start:
        edges.append((start, first))
    if end is not None and last is not None and last != end:
        edges.append((last, end))
    return (first, last), edges


def previous_period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The same calendar period as many whole years earlier as it takes not to overlap:
    2025 compares with 2024, a quarter with the same quarter a year before."""
    years = 1
    while True:
        shift = relativedelta(years=years)
        before = (
            (start.astimezone(REPORT_ZONE) - shift).astimezone(start.tzinfo),
            (end.astimezone(REPORT_ZONE) - shift).astimezone(end.tzinfo),
        )
        if before[1] <= start:
            return before
        years += 1
