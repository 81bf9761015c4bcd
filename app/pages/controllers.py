"""The signed-in pages: sign-in, the staff desk and the dashboard (public ones: public.py)."""

from datetime import datetime, timedelta
from typing import Annotated, Any
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
from core.clock import utcnow
from events.listing import EventFilter, list_events, list_occurrences
from events.schemas import OccurrenceOut
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


class SignInPage(Controller):
    include_in_schema = False

    @get("/login", operation_id="loginPage")
    async def login(self, request: Request) -> Template:
        """The sign-in form for staff, coordinators and admins."""
        return page(request, "login.html")


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
            return Redirect("/login")
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
            return Redirect("/login")
        year = year or utcnow().year
        scope = Scope(
            branch_ids=await visible_branch_ids(caller),
            start=datetime(year, 1, 1, tzinfo=REPORT_ZONE),
            end=datetime(year + 1, 1, 1, tzinfo=REPORT_ZONE),
        )
        figures = await summary(scope)
        return page(request, "dashboard.html", year=year, figures=figures, **_helpers(request))


__all__ = ["SignInPage", "StaffPages"]
