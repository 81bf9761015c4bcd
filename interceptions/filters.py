"""List filters from query strings: dates or instants, branch codes."""

from accounts.scoping import subtree_ids_by_code
from core.errors import Unprocessable
from core.window import parse_window
from interceptions.queries import Filters


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
