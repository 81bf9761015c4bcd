"""Error `detail` in the caller's language, from the catalog the pages use.

API clients get English unless they ask for Chinese (`Accept-Language: zh…`,
or the `?lang=` / cookie choice the pages set, which their own requests to the
API carry); a browser opening a page negotiates as pages do, Chinese first.
"""

from babel.support import NullTranslations
from litestar import MediaType, Request
from litestar.handlers import HTTPRouteHandler

from app.i18n import negotiate, requested, translations
from core.errors import Message, Term, message_of

ENGLISH = "en"


def error_locale(request: Request) -> str:
    """The catalog to word an error in: "zh_CN" or "en"."""
    handler = request.scope.get("route_handler")
    page = isinstance(handler, HTTPRouteHandler) and handler.media_type == MediaType.HTML
    # A browser opening a page asks for HTML; a calendar app or script on the same path does not.
    if page and "text/html" in request.headers.get("accept", ""):
        return negotiate(request)
    return requested(request) or ENGLISH


def _param(value: object, catalog: NullTranslations) -> object:
    if isinstance(value, Term):
        if not value.context:
            return catalog.gettext(value)
        label = str(catalog.pgettext(value.context, value))
        if label == value and "." in value:
            # A nested field ("venue.name") by the label of its last part.
            outer, last = value.rsplit(".", 1)
            return f"{outer}.{catalog.pgettext(value.context, last)}"
        return label
    if isinstance(value, Message | BaseException):
        return _render(message_of(value), catalog)
    return value


def _render(message: Message, catalog: NullTranslations) -> str:
    template = catalog.gettext(message.template)
    params = {name: _param(value, catalog) for name, value in message.params.items()}
    try:
        return template.format(**params) if params else template
    except (KeyError, IndexError, ValueError):
        # A translation naming a placeholder the English lacks: the English is still right.
        return str(message)


def render(message: Message, locale: str) -> str:
    """The message in `locale`; English is the template itself."""
    if locale == ENGLISH:
        return str(message)
    return _render(message, translations(locale))


def separator(locale: str) -> str:
    """Between the problems of one request."""
    return "; " if locale == ENGLISH else "；"
