"""Every text of the workspace's templates has its Chinese translation in the catalog.

Translation blocks merge as a union; removing a duplicate on one side and the
other copy on the other side once left the dashboard's legend in English.
"""

import re
from pathlib import Path

from babel.messages.pofile import read_po

APP = Path(__file__).parents[2] / "app"
TEMPLATES = [
    APP / "templates" / "dashboard.html",
    *sorted((APP / "templates" / "staff").glob("*.html")),
    *sorted((APP / "templates" / "admin_pages").glob("*.html")),
]
TEXT = re.compile(r'_\("([^"]+)"\)')


def test_workspace_texts_are_translated():
    with (APP / "locales" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = [
        (path.name, text)
        for path in TEMPLATES
        for text in TEXT.findall(path.read_text(encoding="utf-8"))
        if text not in translated
    ]
    assert len(TEMPLATES) > 5
    assert missing == []
