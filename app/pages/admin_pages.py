"""Admins' pages: users (create, deactivate, reset a password, move) and branches.

The pages list through the account services; their forms send to the same
account API (POST/PATCH /api/users and /api/branches), whose answers, errors
included, the page shows next to the form.
"""

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template

from accounts.branches import list_branches
from accounts.caller import Caller
from accounts.guards import caller_of
from accounts.roles import Role
from accounts.users import list_users
from app.i18n import negotiate
from app.pages.rendering import page

ROLE_LABELS = {"staff": "员工", "coordinator": "协调员", "admin": "管理员"}
# Every branch and user on one page: a prefecture network has tens of each.
SHOWN = 1000


def _admin(request: Request) -> Caller | None:
    caller = caller_of(request)
    if caller is not None and not caller.is_admin:
        raise PermissionDeniedException("Only admins manage users and branches.")
    return caller


def _roles(locale: str) -> list[tuple[str, str]]:
    return [
        (role.value, ROLE_LABELS[role.value] if locale == "zh_CN" else role.value) for role in Role
    ]


class AdminPages(Controller):
    include_in_schema = False
    path = "/manage"

    @get("/users", operation_id="manageUsersPage")
    async def users(self, request: Request) -> Template | Redirect:
        """Every user: create one, move to a branch, change the role, deactivate, reset."""
        caller = _admin(request)
        if caller is None:
            return Redirect("/login")
        users, _ = await list_users(SHOWN, 0)
        branches, _ = await list_branches(caller, SHOWN, 0)
        return page(
            request,
            "admin_pages/users.html",
            users=users,
            branches=branches,
            branch_names={b.id: b.name for b in branches},
            roles=_roles(negotiate(request)),
        )

    @get("/branches", operation_id="manageBranchesPage")
    async def branches(self, request: Request) -> Template | Redirect:
        """The branch tree: create a branch, rename, move under another, languages, address."""
        caller = _admin(request)
        if caller is None:
            return Redirect("/login")
        branches, _ = await list_branches(caller, SHOWN, 0)
        names: dict[int | None, Any] = {b.id: b.name for b in branches}
        return page(request, "admin_pages/branches.html", branches=branches, names=names)
