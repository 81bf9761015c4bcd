"""The translation catalog holds each text once: a second entry would silently win or lose."""

import re
from collections import Counter

from app.i18n import LOCALES_DIR


def test_no_message_is_translated_twice():
    for po_file in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"):
        keys = re.findall(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)', po_file.read_text(), re.M)
        twice = [key for key, count in Counter(keys).items() if count > 1]
        assert not twice, (po_file, twice)
