"""UI translations with Babel: Chinese first (zh-CN), English second.

Catalogs are the .po files under app/locales, compiled in memory at start-up,
so there is no build step and no binary file to keep in step with its source.
Template strings are written in English and looked up in the chosen catalog.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from litestar.connection import ASGIConnection

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"
LANG_COOKIE = "fangzha_lang"


@cache
def translations(locale: str) -> NullTranslations:
    po_file = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def negotiate(connection: ASGIConnection) -> str:
    """?lang=, then the cookie, then Accept-Language; Chinese when nothing matches."""
    wanted = connection.query_params.get("lang") or connection.cookies.get(LANG_COOKIE)
    candidates = [wanted] if wanted else []
    header = connection.headers.get("accept-language", "")
    candidates += [part.split(";")[0].strip() for part in header.split(",") if part.strip()]
    for candidate in candidates:
        try:
            parsed = Locale.parse(candidate.replace("-", "_"))
        except (ValueError, TypeError):
            continue
        if parsed.language == "zh":
            return "zh_CN"
        if parsed.language == "en":
            return "en"
    return DEFAULT


def html_lang(locale: str) -> str:
    return locale.replace("_", "-")
