"""Rendering a public page: the shared page context, plus the 大字 (large text) mode
kept in a cookie and the labels the public templates show."""

import gzip
from typing import Any

from babel.dates import format_date
from litestar import MediaType, Request, Response
from litestar.response import Template

from app.i18n import negotiate, translations
from app.pages import formatting, labels
from app.pages.rendering import page

LARGE_COOKIE = "fangzha_large"
HOTLINE = "96110"  # the national anti-fraud hotline
BANK_HOTLINE = "95588"  # ICBC customer service


def large_text(request: Request) -> bool:
    return request.cookies.get(LARGE_COOKIE) == "1"


def here(request: Request) -> str:
    """This page's path and query, for the 大字 switch to come back to."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    return request.url.path + (f"?{query}" if query else "")


def helpers(request: Request) -> dict[str, Any]:
    locale = negotiate(request)
    return {
        "when": lambda o: formatting.when(o.starts_at, o.ends_at, o.timezone, locale),
        "kind_label": lambda code: labels.label(labels.KINDS, code, locale),
        "audience_label": lambda code: labels.label(labels.AUDIENCES, code, locale),
        "language_label": lambda code: labels.LANGUAGES.get(code, code),
        "weekday": lambda day: format_date(day, "EEEE", locale=locale),
    }


def public_page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> Template:
    return page(
        request,
        template,
        status_code=status_code,
        large=large_text(request),
        here=here(request),
        hotline=HOTLINE,
        bank_hotline=BANK_HOTLINE,
        **helpers(request),
        **context,
    )


def problem_page(request: Request, status_code: int, message: str) -> Template:
    """An error as a page in the visitor's language, with the way back."""
    gettext = translations(negotiate(request)).gettext
    return public_page(
        request, "public/problem.html", status_code=status_code, message=gettext(message)
    )


def translate(request: Request, text: str) -> str:
    return str(translations(negotiate(request)).gettext(text))


def encoded_page(request: Request, template: Template) -> Response[bytes]:
    """A page rendered here and compressed as the client asks.

    For `/events/{id}`: that route also serves the event's .ics file, already
    compressed, so the app's compression skips the whole route.
    """
    engine = request.app.template_engine
    assert engine is not None
    html = engine.get_template(template.template_name or "").render(
        request=request, **template.context
    )
    body = html.encode("utf-8")
    headers = {"Vary": "Accept-Encoding"}
    # As the app's compression decides for the other pages: gzip when the client names it.
    if "gzip" in request.headers.get("accept-encoding", "").lower() and len(body) >= 500:
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return Response(
        body,
        status_code=template.status_code,
        media_type=MediaType.HTML,
        headers=headers,
        cookies=template.cookies,
    )
