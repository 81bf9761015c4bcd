"""VTIMEZONEs from the IANA rules: RRULE observances that give zoneinfo's offsets."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from exports.vtimezone import vtimezone, vtimezone_or_fallback

ZONES = [
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Jerusalem",
    "America/Nuuk",
    "Asia/Kolkata",
    "Pacific/Chatham",
]


@pytest.mark.parametrize("key", ZONES)
def test_offsets_match_zoneinfo_for_years_ahead(key):
    component = vtimezone(key)
    text = component.to_ical().decode()
    assert "RDATE" not in text
    daylight = component.daylight
    if daylight:
        assert len(daylight) == 1
        assert len(component.standard) == 1
        assert "RRULE:FREQ=YEARLY" in text
    else:
        assert len(component.standard) == 1
    tz = component.to_tz(lookup_tzid=False)
    zone = ZoneInfo(key)
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    while moment < datetime(2028, 1, 1, tzinfo=UTC):
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(zone).utcoffset(), moment
        moment += timedelta(hours=6)


def test_unknown_zone_is_refused_and_fallback_is_valid():
    with pytest.raises(Exception):  # noqa: B017, PT011 - zoneinfo's own error types
        vtimezone("Not/AZone")
    assert vtimezone_or_fallback("Europe/Berlin").tz_name == "Europe/Berlin"
