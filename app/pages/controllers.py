"""The web pages: public events, one event, sign-in, the staff desk and the dashboard."""

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Template

from accounts.guards import caller_of
from app.i18n import negotiate
from app.pages import formatting, labels
from app.pages.rendering import page
from core.clock import utcnow
from core.errors import NotFound
from core.home_zone import HOME_ZONE
from core.params import BranchCode
from core.urls import public_base_url
from events.listing import EventFilter, list_events
from events.schedule import get_event
from exports.qr import qr_svg

# Head office reports by the Beijing calendar year.
REPORT_ZONE = HOME_ZONE


def _helpers(request: Request) -> dict[str, Any]:
    locale = negotiate(request)
    return {
        "when": lambda e: formatting.when(e.starts_at, e.ends_at, e.timezone, locale),
        "yuan": lambda amount: formatting.yuan(amount, locale),
        "kind_label": lambda code: labels.label(labels.KINDS, code, locale),
        "fraud_label": lambda code: labels.label(labels.FRAUD_TYPES, code, locale),
        "language_label": lambda code: labels.LANGUAGES.get(code, code),
    }


class PublicPages(Controller):
    include_in_schema = False

    @get("/", operation_id="homePage")
    async def home(self, request: Request, branch: BranchCode = None) -> Template:
        """Upcoming public events, and how to subscribe to them."""
        events, _ = await list_events(None, EventFilter(start=utcnow(), branch=branch), 100, 0)
        query = urlencode({"branch": branch}) if branch else ""
        feed_url = f"{public_base_url(request)}/calendar.ics" + (f"?{query}" if query else "")
        return page(
            request,
            "index.html",
            events=events,
            feed_url=feed_url,
            webcal_url="webcal://" + feed_url.split("://", 1)[1],
            qr=qr_svg(feed_url).decode().split("?>", 1)[-1],
            **_helpers(request),
        )

    @get("/login", operation_id="loginPage")
    async def login(self, request: Request) -> Template:
        """The sign-in form for staff, coordinators and admins."""
        return page(request, "login.html")


async def event_page(request: Request, event_id: int) -> Template:
    """One event: when, where, who speaks, and a button to add it to the phone calendar."""
    try:
        event = await get_event(caller_of(request), event_id)
    except NotFound:
        return page(request, "not_found.html", status_code=404)
    return page(request, "event.html", event=event, **_helpers(request))


__all__ = ["PublicPages", "event_page"]
