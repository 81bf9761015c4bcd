"""Whose feed it is: the public's, or one signed-in user's private feed."""

from dataclasses import dataclass

from accounts.calendar_tokens import calendar_token_hash
from accounts.scoping import subtree_ids_of_path
from accounts.tables import User
from core.errors import NotFound


@dataclass(frozen=True)
class FeedScope:
    """Which internal events a feed may show, besides every public one."""

    internal_branch_ids: tuple[int, ...] | None = ()  # None: every branch (admin)
    owner: str = ""  # display name of the private feed's user


PUBLIC = FeedScope()


async def private_scope(token: str) -> FeedScope:
    """The scope of a private feed token; unknown, rotated or inactive → 404.

    Read on every request, never cached: a rotated token or a deactivated user
    must stop working at once.
    """
    row = await (
        User.select(User.role, User.display_name, User.branch._.path)
        .where((User.calendar_token_hash == calendar_token_hash(token)) & (User.active.eq(True)))
        .first()
    )
    if row is None:
        raise NotFound("Calendar", "at this address")
    if row["role"] == "admin":
        return FeedScope(internal_branch_ids=None, owner=row["display_name"])
    ids = await subtree_ids_of_path(row["branch.path"])
    return FeedScope(internal_branch_ids=tuple(sorted(ids)), owner=row["display_name"])
