"""The branch network's home zone: where a date without a time is read, and months are cut."""

from zoneinfo import ZoneInfo

# Every branch is in mainland China; dates a coordinator writes mean China time.
HOME_ZONE_NAME = "Asia/Shanghai"
HOME_ZONE = ZoneInfo(HOME_ZONE_NAME)
