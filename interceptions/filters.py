"""Interception list filters from query strings: dates or instants, branch codes."""

from litestar.params import FromQuery

from accounts.scoping import subtree_ids_by_code
from core.errors import Unprocessable
from core.params import BranchCode, EventId, From, To
from core.window import parse_window
from interceptions.queries import Filters
from interceptions.schemas import FraudType, Status


async def build_filters(
    *,
    start: str | None,
    end: str | None,
    branch: str | None,
    fraud_type: str | None,
    status: str | None,
    event: int | None,
) -> Filters:
    branch_ids: list[int] | None = None
    if branch:
        branch_ids = await subtree_ids_by_code(branch)
        if branch_ids is None:
            raise Unprocessable(
                "branch: there is no branch with code {branch!r}.", branch=branch[:40]
            )
    window = parse_window(start, end)
    return Filters(
        start=window.start,
        end=window.end,
        branch_ids=branch_ids,
        fraud_type=fraud_type,
        status=status,
        event_id=event,
    )


async def interception_filters(
    start: From = None,
    end: To = None,
    branch: BranchCode = None,
    fraud_type: FromQuery[FraudType | None] = None,
    status: FromQuery[Status | None] = None,
    event: EventId = None,
) -> Filters:
    """The list's filters as a Litestar dependency: the list and its export take the same."""
    return await build_filters(
        start=start, end=end, branch=branch, fraud_type=fraud_type, status=status, event=event
    )
