"""HTTP surface of reports: campaign progress, the summary and per-event impact."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import Parameter

from accounts.caller import Caller
from accounts.guards import requires_staff, signed_in
from accounts.scoping import subtree_ids_by_code, visible_branch_ids
from core.clock import utcnow
from core.errors import Unprocessable
from core.pagination import Limit, Offset, Page, schema_name
from core.params import BranchCode, CampaignId, From, RecordId, To
from core.window import parse_window
from events.campaigns import get_campaign
from exports import reports
from exports.report_events import Sort
from exports.report_sql import one_snapshot

Compare = Annotated[
    Literal["previous_year"] | None,
    Parameter(description="previous_year: add the same figures for the period a year before"),
]
ImpactSort = Annotated[
    Sort,
    Parameter(description="Column to sort by; a leading - sorts in descending order"),
]


ImpactPage = Annotated[Page[reports.EventImpact], schema_name("ImpactPage")]


@dataclass(frozen=True)
class ReportFilters:
    """The reports' query parameters, parsed; whose branches they cover is read later."""

    start: datetime | None
    end: datetime | None
    branch: str | None
    campaign: int | None


async def report_filters(
    start: From = None, end: To = None, branch: BranchCode = None, campaign: CampaignId = None
) -> ReportFilters:
    """The filters every report takes, as one dependency."""
    window = parse_window(start, end)
    return ReportFilters(window.start, window.end, branch, campaign)


async def report_scope(caller: Caller, filters: ReportFilters) -> reports.ReportScope:
    branch, campaign = filters.branch, filters.campaign
    branch_ids = await visible_branch_ids(caller)
    if branch:
        subtree = await subtree_ids_by_code(branch)
        if subtree is None:
            raise Unprocessable("There is no branch with code {branch}.", branch=branch)
        branch_ids = subtree if branch_ids is None else [b for b in subtree if b in branch_ids]
    return reports.ReportScope(
        branch_ids=branch_ids, campaign_id=campaign, start=filters.start, end=filters.end
    )


class ReportController(Controller):
    path = "/api"
    tags = ["reports"]
    guards = [requires_staff]
    dependencies = {"filters": Provide(report_filters)}

    @get("/campaigns/{campaign_id:int}/progress", operation_id="campaignProgress")
    async def campaign_progress(self, request: Request, campaign_id: RecordId) -> reports.Progress:
        """A campaign's goals against what its events achieved in the caller's subtree."""
        caller = signed_in(request)
        campaign = await get_campaign(caller, campaign_id)
        scope = reports.ReportScope(
            branch_ids=await visible_branch_ids(caller), campaign_id=campaign_id
        )
        return await reports.campaign_progress(scope, campaign.goals)

    @get("/reports/summary", operation_id="reportSummary")
    async def summary(
        self,
        request: Request,
        filters: NamedDependency[ReportFilters],
        compare: Compare = None,
    ) -> reports.Summary:
        """Events held, attendees, outreach trips and interceptions, by fraud type, branch,
        month, age band and channel; attendees and app installs by month; with
        compare=previous_year also the year before."""
        # The caller's branches and the figures from one connection and one snapshot.
        async with one_snapshot():
            scope = await report_scope(signed_in(request), filters)
            if compare and scope.end is None:
                scope = reports.ReportScope(
                    scope.branch_ids, scope.campaign_id, scope.start, utcnow()
                )
            return await reports.summary(scope, compare_previous_year=compare == "previous_year")

    @get("/reports/events", operation_id="reportEvents")
    async def events(
        self,
        request: Request,
        filters: NamedDependency[ReportFilters],
        sort: ImpactSort = "starts_at",
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ImpactPage:
        """Per event: occurrences held, attendance, attributed interceptions, amount saved
        and amount per attendee, sorted by any of them."""
        async with one_snapshot():
            scope = await report_scope(signed_in(request), filters)
            items, total = await reports.event_impact(scope, sort, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)


routes: list[Any] = [ReportController]
