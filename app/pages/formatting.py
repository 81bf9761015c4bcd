"""Dates and money as people read them, in the event's own time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from babel.numbers import format_decimal

from core.home_zone import HOME_ZONE_NAME

# Day, weekday and time without seconds: what a poster in the branch hall would say.
_DAY_AND_TIME = {"zh_CN": "y年M月d日 EEEE HH:mm", "en": "EEE d MMM y, HH:mm"}


def when(starts_at: str, ends_at: str, zone: str, locale: str) -> str:
    tz = ZoneInfo(zone)
    start = datetime.fromisoformat(starts_at).astimezone(tz)
    end = datetime.fromisoformat(ends_at).astimezone(tz)
    pattern = _DAY_AND_TIME.get(locale, _DAY_AND_TIME["en"])
    text = f"{format_datetime(start, pattern, tzinfo=tz, locale=locale)}–"
    text += format_time(end, "HH:mm", tzinfo=tz, locale=locale)
    if zone != HOME_ZONE_NAME:
        text += f" ({zone})"
    return text


def yuan(amount: str, locale: str) -> str:
    return f"¥{format_decimal(amount, format='#,##0.00', locale=locale)}"
