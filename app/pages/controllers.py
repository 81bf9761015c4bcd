"""The web pages: public events, one event, sign-in, the staff desk and the dashboard."""

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from accounts.caller import Caller
from accounts.guards import caller_of
from accounts.scoping import visible_branch_ids
from app.i18n import negotiate
from app.pages import formatting, labels
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from core.clock import utcnow
from core.errors import NotFound
from core.params import BranchCode
from core.urls import public_base_url
from events.listing import EventFilter, list_events, list_occurrences
from events.schedule import get_event
from events.schemas import OccurrenceOut
from exports.qr import qr_svg
from exports.reports import Scope, summary

# Head office reports by the Beijing calendar year.
REPORT_ZONE = ZoneInfo("Asia/Shanghai")


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


async def event_page(request: Request, event_id: int) -> Template:
    """One event: when, where, who speaks, and a button to add it to the phone calendar."""
    try:
        event = await get_event(caller_of(request), event_id)
    except NotFound:
        return page(request, "not_found.html", status_code=404)
    return page(request, "event.html", event=event, **_helpers(request))


async def _recordable(caller: Caller, now: datetime) -> list[OccurrenceOut]:
    """Occurrences of the caller's subtree that have started and may get attendance."""
    branch_ids = await visible_branch_ids(caller)
    found, _ = await list_occurrences(
        caller, EventFilter(start=now - timedelta(days=45), end=now), 200, 0
    )
    return [
        o
        for o in found
        if o.status in {"scheduled", "completed"}
        and (branch_ids is None or o.branch_id in branch_ids)
        and datetime.fromisoformat(o.starts_at) <= now
    ]


class StaffPages(Controller):
    include_in_schema = False

    @get("/staff", operation_id="staffPage")
    async def staff(self, request: Request) -> Template | Redirect:
        """The staff desk: recent and coming events, record attendance, log an interception."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        now = utcnow()
        events, _ = await list_events(
            caller,
            EventFilter(start=now - timedelta(days=45), end=now + timedelta(days=45)),
            100,
            0,
        )
        mine = [e for e in events if e.status != "draft"]
        return page(
            request,
            "staff.html",
            events=mine,
            occurrences=await _recordable(caller, now),
            **_helpers(request),
        )

    @get("/dashboard", operation_id="dashboardPage")
    async def dashboard(
        self,
        request: Request,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Template | Redirect:
        """A year's figures for the caller's branch subtree."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        year = year or utcnow().year
        scope = Scope(
            branch_ids=await visible_branch_ids(caller),
            start=datetime(year, 1, 1, tzinfo=REPORT_ZONE),
            end=datetime(year + 1, 1, 1, tzinfo=REPORT_ZONE),
        )
        figures = await summary(scope)
        return page(request, "dashboard.html", year=year, figures=figures, **_helpers(request))


__all__ = ["PublicPages", "StaffPages", "event_page"]
