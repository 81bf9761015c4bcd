"""A branch's A4 poster for the hall wall: its coming events in large type, the feed's
QR code and the hotlines; as a print page and as a PDF made by WeasyPrint."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from anyio import to_thread
from babel.dates import format_date
from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from accounts.branches import branch_by_code
from accounts.schemas import BranchOut
from app.i18n import html_lang, negotiate, translations
from app.pages.public import Choice, listed_events
from app.pages.public_rendering import BANK_HOTLINE, HOTLINE, helpers, problem_page, translate
from app.pages.public_schedule import repeat_words
from app.pages.rendering import page
from core.clock import utcnow
from core.home_zone import HOME_ZONE
from core.urls import public_base_url
from exports.feed_filters import FeedFilters
from exports.qr import qr_inline
from exports.subscribe_links import subscribe_links

STATIC = Path(__file__).parent.parent / "static"
POSTER_CSS = STATIC / "public-poster.css"
FONTS_CSS = STATIC / "fonts.css"
# What fits one A4 page in poster type; the QR code leads to the rest.
POSTER_EVENTS = 4
POSTER_DAYS = 31


async def _poster_context(request: Request, branch: BranchOut, now: datetime) -> dict[str, Any]:
    end = now + timedelta(days=POSTER_DAYS)
    entries = await listed_events(Choice(branch=branch.code), now, end)
    locale = negotiate(request)
    links = subscribe_links(public_base_url(request), FeedFilters(branch=branch.code))
    label = translate(request, "QR code: subscribe to this branch's events")
    return {
        "branch": branch,
        "entries": entries[:POSTER_EVENTS],
        "more": max(0, len(entries) - POSTER_EVENTS),
        "repeat": lambda event: repeat_words(event, locale),
        "first_day": _day(now, locale),
        "last_day": _day(end - timedelta(days=1), locale),
        "links": links,
        "qr": qr_inline(links.page, label),
        "hotline": HOTLINE,
        "bank_hotline": BANK_HOTLINE,
        **helpers(request),
    }


def _day(instant: datetime, locale: str) -> str:
    pattern = "M月d日" if locale == "zh_CN" else "d MMM"
    return format_date(instant.astimezone(HOME_ZONE), pattern, locale=locale)


def _pdf(html: str, base_url: str) -> bytes:
    """CPU work (layout and fonts): runs in a worker thread, never on the event loop."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from app.pages.poster_files import AppFilesOnly

    fetcher = AppFilesOnly()
    # Without a font configuration WeasyPrint ignores @font-face (the Lisu font).
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    stylesheets = [
        CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
        for path in (FONTS_CSS, POSTER_CSS)
    ]
    try:
        return bytes(document.write_pdf(stylesheets=stylesheets, font_config=fonts))
    finally:
        # It unpacks the fonts into a temporary folder that only its finaliser removes,
        # which waits for the garbage collector: a worker ended first left them behind.
        fonts.__del__()


class PosterPages(Controller):
    include_in_schema = False

    @get("/branches/{code:str}/poster", operation_id="branchPoster")
    async def poster(self, request: Request, code: FromPath[str]) -> Template:
        """The branch's poster as a page to print on A4 (the print stylesheet does the rest)."""
        branch = await branch_by_code(code)
        if branch is None:
            return problem_page(request, 404, "There is no branch with this code.")
        context = await _poster_context(request, branch, utcnow())
        return page(request, "public/poster.html", pdf=False, **context)

    @get("/branches/{code:str}/poster.pdf", operation_id="branchPosterPdf")
    async def poster_pdf(self, request: Request, code: FromPath[str]) -> Response[bytes] | Template:
        """The same poster as a one-page A4 PDF, for print shops and WeChat groups."""
        branch = await branch_by_code(code)
        if branch is None:
            return problem_page(request, 404, "There is no branch with this code.")
        context = await _poster_context(request, branch, utcnow())
        locale = negotiate(request)
        engine = request.app.template_engine
        assert engine is not None
        template = engine.get_template("public/poster.html")
        html = template.render(
            _=translations(locale).gettext,
            locale=locale,
            html_lang=html_lang(locale),
            request=request,
            pdf=True,
            **context,
        )
        pdf = await to_thread.run_sync(_pdf, html, public_base_url(request))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="poster-{branch.code}.pdf"',
                "Cache-Control": "no-cache",
            },
        )


__all__ = ["PosterPages"]
