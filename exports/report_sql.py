"""Small pieces shared by the report queries: placeholders, the engine, the report zone."""

from typing import Any
from zoneinfo import ZoneInfo

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

# Head office counts months and years in China time.
REPORT_ZONE = ZoneInfo("Asia/Shanghai")
HELD_STATUSES = ("scheduled", "completed")
COUNTED_STATUSES = ("verified", "logged")  # rejected interceptions are never counted


def on_postgres() -> bool:
    return isinstance(engine_finder(), PostgresEngine)


def in_list(column: str, values: list[Any] | tuple[Any, ...]) -> tuple[str, list[Any]]:
    """`column IN (...)` with one placeholder per value; an empty list matches nothing."""
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['{}'] * len(values))})", list(values)


def month_of(column: str) -> str:
    """The China-time month ('2025-03') of a timestamp column, in SQL."""
    if on_postgres():
        return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    # China has kept UTC+8 without daylight saving since 1991.
    return f"strftime('%Y-%m', {column}, '+8 hours')"
