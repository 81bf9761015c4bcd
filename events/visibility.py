"""Who may see which event, and who may change it.

The public sees published public events only (visibility public, status not
draft). A signed-in user also sees every event of their own subtree, drafts
and internal ones included; an admin sees everything.
"""

from typing import Any

from accounts.caller import Caller
from accounts.roles import Role, at_least
from accounts.scoping import visible_branch_ids
from core.errors import Forbidden
from events.tables import Event, Occurrence


def published(table: type[Event] | type[Occurrence] = Event) -> Any:
    return (table.visibility == "public") & (table.status != "draft")


async def visible_events(
    caller: Caller | None, table: type[Event] | type[Occurrence] = Event
) -> Any:
    """A where-clause of the events `caller` may read; None means all of them.

    `table` is Event, or Occurrence, whose rows carry copies of the same columns.
    """
    if caller is None:
        return published(table)
    branch_ids = await visible_branch_ids(caller)
    if branch_ids is None:
        return None
    if not branch_ids:
        return published(table)
    return published(table) | table.branch.is_in(branch_ids)


async def visible_ids(caller: Caller | None, ids: list[int]) -> set[int]:
    """Which of these events `caller` may see."""
    if not ids:
        return set()
    query = Event.select(Event.id).where(Event.id.is_in(ids))
    clause = await visible_events(caller)
    if clause is not None:
        query = query.where(clause)
    return {row["id"] for row in await query}


async def require_planner_of(caller: Caller, branch_id: int) -> None:
    """Coordinators and admins plan events only inside their own subtree."""
    if not at_least(caller.role, Role.COORDINATOR):
        raise Forbidden(detail="Only coordinators and admins can plan events.")
    branch_ids = await visible_branch_ids(caller)
    if branch_ids is not None and branch_id not in branch_ids:
        raise Forbidden(detail="You can plan events only for your own branch and its sub-branches.")


async def require_recorder_of(caller: Caller, branch_id: int) -> None:
    """Staff record attendance only for events of their own subtree."""
    branch_ids = await visible_branch_ids(caller)
    if branch_ids is not None and branch_id not in branch_ids:
        raise Forbidden(
            detail="You can record attendance only for events of your own branch and its "
            "sub-branches."
        )
