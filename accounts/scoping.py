"""The one rule every query obeys: a user sees their branch and its descendants.

Services call `visible_branch_ids` and filter on the result; admins get `None`
(no filter). Branch paths are materialised ("/1/4/9/"), so a subtree is a
single indexed LIKE on either database.
"""

from typing import Any

from accounts.caller import Caller
from accounts.tables import Branch


async def subtree_ids_of_path(path: str) -> list[int]:
    rows = await Branch.select(Branch.id).where(Branch.path.like(f"{path}%"))
    return [row["id"] for row in rows]


async def visible_branch_ids(caller: Caller | None) -> list[int] | None:
    """Branch ids the caller may see; None means every branch (admin)."""
    if caller is None:
        return []
    if caller.is_admin:
        return None
    if caller.subtree:  # read with the sign-in
        return list(caller.subtree)
    return await subtree_ids_of_path(caller.branch_path)


async def subtree_ids_by_code(code: str) -> list[int] | None:
    """The branch with this code and its descendants; None if no such branch.

    One query, not the path and then its subtree: each is a round trip, and a
    filtered report of one outlet is a few milliseconds of SQL in all.
    """
    rows = await Branch.raw(
        "SELECT member.id FROM branch AS member JOIN branch AS root"
        " ON member.path LIKE root.path || '%' WHERE root.code = {}",
        code,
    )
    # A branch's subtree holds the branch itself: no rows means no such branch.
    return [row["id"] for row in rows] or None


def within(column: Any, branch_ids: list[int] | None) -> Any:
    """A where-clause limiting `column` (a branch foreign key) to `branch_ids`.

    Returns None when there is nothing to limit (admin). An empty list matches
    nothing: `IN ()` is not valid SQL, so it becomes an impossible comparison.
    """
    if branch_ids is None:
        return None
    if not branch_ids:
        return column == -1
    return column.is_in(branch_ids)


async def can_see_branch(caller: Caller, branch_id: int) -> bool:
    ids = await visible_branch_ids(caller)
    return ids is None or branch_id in ids
