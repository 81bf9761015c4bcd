"""HTTP surface of accounts: sign-in, the caller, branches and users."""

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from accounts import branches, users
from accounts.client_address import client_address
from accounts.guards import refuses_cross_site, requires_admin, requires_login, signed_in
from accounts.login import login
from accounts.login_throttle import LoginLimits
from accounts.schemas import (
    BranchCreate,
    BranchOut,
    BranchPage,
    BranchUpdate,
    CalendarTokenOut,
    LoginIn,
    LoginOut,
    MeOut,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
)
from accounts.tokens import SESSION_COOKIE, TOKEN_LIFETIME, revoke_token
from core.pagination import Limit, Offset, Page
from core.params import RecordId
from core.urls import public_base_url


def private_calendar_url(request: Request, token: str) -> str:
    return f"{public_base_url(request)}/calendar/private/{token}.ics"


def _settings(request: Request) -> Any:
    # The app's settings object (app/settings.py), handed over in the app state.
    return request.app.state["settings"]


def _calendar_key(request: Request) -> bytes:
    key = _settings(request).secret_key
    assert isinstance(key, bytes)
    return key


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]

    @post(
        "/login",
        operation_id="login",
        status_code=HTTP_200_OK,
        guards=[refuses_cross_site],
        raises=[NotAuthorizedException, TooManyRequestsException],
    )
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response[LoginOut]:
        """Sign in with username and password; answers a bearer token and sets a session cookie.

        Repeated failures from one address, for one username or for any, are refused
        with 429 for a while (Retry-After says how long).
        """
        settings = _settings(request)
        limits = settings.login_limits
        assert isinstance(limits, LoginLimits)
        address = client_address(request, settings.trusted_proxies)
        token, user = await login(data.username, data.password, address, limits)
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            samesite="lax",
            # Behind a TLS-terminating proxy the request itself may look like plain http.
            secure=request.url.scheme == "https" or public_base_url(request).startswith("https:"),
            max_age=int(TOKEN_LIFETIME.total_seconds()),
            path="/",
        )
        return Response(LoginOut(token=token, user=user), cookies=[cookie])

    @post(
        "/logout",
        operation_id="logout",
        guards=[requires_login],
        status_code=HTTP_204_NO_CONTENT,
        # Always clear the web session cookie; the token itself is revoked below.
        response_cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)],
    )
    async def logout(self, request: Request) -> None:
        """End this session: the token and the cookie stop working."""
        await revoke_token(signed_in(request).token_hash)


class MeController(Controller):
    path = "/api/users/me"
    tags = ["accounts"]
    guards = [requires_login]

    @get("/", operation_id="getMe")
    async def me(self, request: Request) -> MeOut:
        """The signed-in user, with the secret address of their private calendar feed."""
        caller = signed_in(request)
        user = await users.get_user(caller.id)
        token = await users.calendar_token_of(caller.id, _calendar_key(request))
        return MeOut(
            **{f: getattr(user, f) for f in user.__struct_fields__},
            private_calendar_url=private_calendar_url(request, token),
        )

    @post("/calendar-token", operation_id="rotateCalendarToken", status_code=HTTP_200_OK)
    async def rotate_calendar_token(self, request: Request) -> CalendarTokenOut:
        """Issue a new private calendar address; the old one stops working at once."""
        token = await users.rotate_calendar_token(signed_in(request).id, _calendar_key(request))
        return CalendarTokenOut(private_calendar_url=private_calendar_url(request, token))


class BranchController(Controller):
    path = "/api/branches"
    tags = ["accounts"]
    guards = [requires_login]

    @get("/", operation_id="listBranches")
    async def list_branches(
        self, request: Request, limit: Limit = 100, offset: Offset = 0
    ) -> BranchPage:
        """Branches the caller may see: their own and its descendants (admins: all)."""
        items, total = await branches.list_branches(signed_in(request), limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/", operation_id="createBranch", guards=[requires_admin])
    async def create_branch(self, data: JSONBody[BranchCreate]) -> BranchOut:
        """Add a branch under a parent (admins only)."""
        return await branches.create_branch(data)

    @get("/{branch_id:int}", operation_id="getBranch")
    async def get_branch(self, request: Request, branch_id: RecordId) -> BranchOut:
        """One branch, if it is in the caller's subtree."""
        return await branches.get_branch(signed_in(request), branch_id)

    @patch("/{branch_id:int}", operation_id="updateBranch", guards=[requires_admin])
    async def update_branch(self, branch_id: RecordId, data: JSONBody[BranchUpdate]) -> BranchOut:
        """Rename a branch, change its languages or address, or move it (admins only)."""
        return await branches.update_branch(branch_id, data)


class UserController(Controller):
    path = "/api/users"
    tags = ["accounts"]
    guards = [requires_admin]

    @get("/", operation_id="listUsers")
    async def list_users(self, limit: Limit = 100, offset: Offset = 0) -> UserPage:
        """All user accounts (admins only)."""
        items, total = await users.list_users(limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/", operation_id="createUser")
    async def create_user(self, data: JSONBody[UserCreate]) -> UserOut:
        """Create an account with a role and a branch (admins only)."""
        return await users.create_user(data)

    @get("/{user_id:int}", operation_id="getUser")
    async def get_user(self, user_id: RecordId) -> UserOut:
        """One user account (admins only)."""
        return await users.get_user(user_id)

    @patch("/{user_id:int}", operation_id="updateUser")
    async def update_user(self, user_id: RecordId, data: JSONBody[UserUpdate]) -> UserOut:
        """Change an account's name, role, branch, password or whether it is active.

        A new password ends the user's sessions and their private calendar address.
        """
        return await users.update_user(user_id, data)


routes = [AuthController, MeController, BranchController, UserController]
