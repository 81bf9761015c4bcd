"""Rendering a page: the caller, the negotiated language and its translations."""

from typing import Any

from litestar import Request
from litestar.response import Template

from accounts.guards import caller_of
from app.i18n import LANG_COOKIE, html_lang, negotiate, translations


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Template:
    locale = negotiate(request)
    gettext = translations(locale).gettext
    response = Template(
        template_name=template,
        status_code=status_code,
        context={
            "_": gettext,
            "locale": locale,
            "html_lang": html_lang(locale),
            "caller": caller_of(request),
            **context,
        },
    )
    if request.query_params.get("lang"):
        # Remember an explicit choice, so following links keeps the language.
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax")
    return response
