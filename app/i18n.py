"""UI translations with Babel: Chinese first (zh-CN), English second.

Catalogs are the .po files under app/locales, compiled in memory at start-up,
so there is no build step and no binary file to keep in step with its source.
Template strings are written in English and looked up in the chosen catalog.

The language comes from the visitor (`?lang=`, a cookie, `Accept-Language`),
so any text can arrive there; whatever is not a language we have falls back
to Chinese, never to an error.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from litestar.connection import ASGIConnection

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"
LANG_COOKIE = "fangzha_lang"
# Primary language subtag → catalog. Lisu (lis) has no catalog yet; the Lisu
# speakers of Nujiang read Chinese, so they get the Chinese pages.
_CATALOG_FOR = {"zh": "zh_CN", "en": "en", "lis": "zh_CN"}


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


def _catalog(tag: str) -> str | None:
    """The catalog for a language tag such as zh-Hans-CN, en_GB or lis; None if we have none."""
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return _CATALOG_FOR.get(primary)


def _accepted(header: str) -> list[str]:
    """Accept-Language tags, most wanted first; q=0 means "not this one"."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        name, _, value = params.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if tag.strip() and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def requested(connection: ASGIConnection) -> str | None:
    """The catalog asked for by ?lang=, then the cookie, then Accept-Language; None if none."""
    wanted = connection.query_params.get("lang") or connection.cookies.get(LANG_COOKIE)
    candidates = [wanted] if wanted else []
    candidates += _accepted(connection.headers.get("accept-language", ""))
    for candidate in candidates:
        catalog = _catalog(candidate)
        if catalog is not None:
            return catalog
    return None


def negotiate(connection: ASGIConnection) -> str:
    """?lang=, then the cookie, then Accept-Language; Chinese when nothing matches."""
    return requested(connection) or DEFAULT


def html_lang(locale: str) -> str:
    return locale.replace("_", "-")
