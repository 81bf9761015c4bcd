"""Litestar guards for the SPEC's role table.

Guards are coroutines: Litestar runs a plain function in its thread pool, which
under load costs every request a round trip through the pool and the loop.
"""

from collections.abc import Awaitable, Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from accounts.caller import Caller
from accounts.cross_site import CROSS_SITE_DETAIL, is_cross_site_write
from accounts.roles import Role, at_least
from core.errors import Forbidden

Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]


def caller_of(connection: ASGIConnection) -> Caller | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Caller) else None


def _signed_in_or_refuse(connection: ASGIConnection) -> Caller:
    caller = caller_of(connection)
    if caller is None:
        raise NotAuthorizedException(detail="Please sign in first.")
    return caller


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    _signed_in_or_refuse(connection)


def requires_role(role: Role) -> Guard:
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        caller = _signed_in_or_refuse(connection)
        if not at_least(caller.role, role):
            raise Forbidden(
                "This needs the {role} role; you are signed in as {current}.",
                role=role.value,
                current=caller.role,
            )

    guard.__name__ = f"requires_{role.value}"
    return guard


requires_staff = requires_role(Role.STAFF)
requires_coordinator = requires_role(Role.COORDINATOR)
requires_admin = requires_role(Role.ADMIN)


async def refuses_cross_site(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """For writes that set the session cookie: another site must not sign a browser in."""
    if is_cross_site_write(connection):
        raise PermissionDeniedException(detail=CROSS_SITE_DETAIL)


# What each guard answers when it refuses, for the OpenAPI schema (app/openapi_statuses.py).
GUARD_STATUSES: dict[Callable[..., object], tuple[int, ...]] = {
    requires_login: (401,),
    requires_staff: (401, 403),
    requires_coordinator: (401, 403),
    requires_admin: (401, 403),
    refuses_cross_site: (403,),
}


def signed_in(connection: ASGIConnection) -> Caller:
    """The caller of a handler whose guard already required a signed-in user."""
    caller = caller_of(connection)
    assert caller is not None, "the handler's guard requires a signed-in user"
    return caller
