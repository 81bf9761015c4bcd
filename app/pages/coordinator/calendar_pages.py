"""The events calendar of the coordinator's subtree: a month or a week, filtered."""

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.plugins.htmx import HTMXDetails, HTMXTemplate
from litestar.response import Redirect, Template

from app.pages.coordinator import choices
from app.pages.coordinator.calendar_grid import days_between, entries_of, month_bounds, weeks
from app.pages.coordinator.common import branch_choices, coordinator, render, translated
from core.clock import utcnow
from core.errors import Unprocessable
from core.home_zone import HOME_ZONE
from core.params import BranchCode
from events.campaigns import list_campaigns
from events.listing import EventFilter, list_occurrences

# The calendar's days are those of the head office's zone, where the network plans.
View = Literal["month", "week"]
DayText = Annotated[str | None, QueryParameter(max_length=10, description="YYYY-MM-DD")]


def _day(text: str | None) -> date:
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return utcnow().astimezone(HOME_ZONE).date()


def _instant(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=HOME_ZONE)


class CalendarPages(Controller):
    path = "/coordinator/events"
    include_in_schema = False

    @get("/", operation_id="eventsCalendarPage")
    async def calendar(
        self,
        request: Request,
        view: Annotated[View, QueryParameter()] = "month",
        day: DayText = None,
        branch: BranchCode = None,
        campaign: Annotated[str | None, QueryParameter(max_length=12)] = None,
        kind: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template | Redirect:
        """The subtree's events by month or week: repeats expanded, clashes marked."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        chosen = _day(day)
        kind = kind if kind in choices.KINDS else None
        # An empty choice of the filter form means "all".
        campaign_id = int(campaign) if campaign and campaign.isdigit() else None
        branch = branch or None
        if view == "week":
            start = chosen - timedelta(days=chosen.weekday())
            end = start + timedelta(days=7)
            period = (start, end)
            previous, following = start - timedelta(days=7), end
        else:
            first = chosen.replace(day=1)
            start, end = month_bounds(first)
            following = (first + timedelta(days=32)).replace(day=1)
            period = (first, following)
            previous = (first - timedelta(days=1)).replace(day=1)
        wanted = EventFilter(
            start=_instant(start), end=_instant(end), branch=branch, campaign=campaign_id, kind=kind
        )
        problem = None
        try:
            found, total = await list_occurrences(caller, wanted, 2000, 0)
        except Unprocessable as exc:
            # An unknown branch code, or too many occurrences: said above an empty calendar.
            found, total, problem = [], 0, translated(request, exc)
        entries = entries_of(found)
        days = days_between(start, end, period, entries)
        context: dict[str, Any] = {
            "view": view,
            "chosen": chosen,
            "period": period,
            "weeks": weeks(days),
            "days": days,
            "clashes": sum(1 for e in entries if e.clashes),
            "total": total,
            "problem": problem,
            "shown": len(found),
            "previous": previous,
            "following": following,
            "filters": {"branch": branch or "", "campaign": campaign_id or "", "kind": kind or ""},
            "branches": await branch_choices(caller),
            "campaigns": (await list_campaigns(caller, 500, 0))[0],
        }
        if HTMXDetails(request):
            # A filter changed: only the calendar is drawn again, and the address follows.
            response = render(request, "coordinator/calendar_body.html", **context)
            return HTMXTemplate(
                template_name=response.template_name,
                context=response.context,
                push_url=str(request.url),
            )
        return render(request, "coordinator/calendar.html", **context)


@get("/coordinator", operation_id="coordinatorHome", include_in_schema=False)
async def coordinator_home() -> Redirect:
    """The planning pages open on the events calendar."""
    return Redirect("/coordinator/events")
