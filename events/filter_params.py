"""The events list's filters as one Litestar dependency, for every route that takes them.

The events list, the occurrences list and the events export read the same query
parameters; declared once here, they mean the same everywhere and are documented once.
"""

from typing import Annotated

from litestar.params import Parameter

from core.params import BranchCode, CampaignId, From, RequiredFrom, RequiredTo, To
from events.listing import EventFilter, event_filter
from events.schemas import Kind, Status

KindFilter = Annotated[Kind | None, Parameter(description="Event kind")]
StatusFilter = Annotated[Status | None, Parameter(description="Event status")]
Search = Annotated[
    str | None, Parameter(max_length=200, description="Text in title, venue or host")
]


async def event_filters(
    start: From = None,
    end: To = None,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: KindFilter = None,
    status: StatusFilter = None,
    q: Search = None,
) -> EventFilter:
    return event_filter(start, end, branch, campaign, kind, status, q)


async def occurrence_filters(
    start: RequiredFrom,
    end: RequiredTo,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: KindFilter = None,
    status: StatusFilter = None,
    q: Search = None,
) -> EventFilter:
    """The same filters, with a window that must be given (occurrences are finite in one)."""
    return event_filter(start, end, branch, campaign, kind, status, q)
