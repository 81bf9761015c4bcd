"""Every text of the coordinator templates and page code has its Chinese translation."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

APP = Path(__file__).parents[2] / "app"
SOURCES = [
    *sorted((APP / "templates" / "coordinator").glob("*.html")),
    *sorted((APP / "pages" / "coordinator").glob("*.py")),
]
# _("…"), _('…') and gettext("…") in templates and code.
TEXT = re.compile(r"""(?:\b_|gettext)\(\s*(?:"([^"]+)"|'([^']+)')""")


def test_coordinator_texts_are_translated():
    with (APP / "locales" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string}
    found = [
        (path.name, double or single)
        for path in SOURCES
        for double, single in TEXT.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(found) > 100
    missing = [(name, text) for name, text in found if text not in translated]
    assert missing == []
