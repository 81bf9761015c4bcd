"""Repeat rules in the words a poster uses."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.pages.public_schedule import rule_words

# A Tuesday morning in Nujiang.
FIRST = datetime(2026, 3, 3, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("rule", "chinese", "english"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "每周二", "every Tuesday"),
        ("FREQ=WEEKLY;COUNT=6", "每周二", "every Tuesday"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "每周二、周四", "every Tuesday and Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "每两周的周四", "every 2 weeks on Thursday"),
        ("FREQ=MONTHLY;BYDAY=1TU", "每月第一个周二", "every month on the first Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "每月最后一个周五", "every month on the last Friday"),
        ("FREQ=MONTHLY", "每月3日", "every month on day 3"),
        ("FREQ=DAILY;COUNT=5", "每天", "every day"),
        ("FREQ=YEARLY", "每年3月3日", "every year"),
    ],
)
def test_repeat_rules_in_words(rule, chinese, english):
    assert rule_words(rule, FIRST, "zh_CN") == chinese
    assert rule_words(rule, FIRST, "en") == english
