"""Piccolo Admin at /admin, reached only by signed-in Fangzha admins.

Who is an admin is decided by Fangzha's own users (argon2 hashes, roles), not by
Piccolo's `BaseUser`. Piccolo Admin can only authenticate through its session
table, so the gate below bridges the two: a request from a Fangzha admin is
handed to Piccolo Admin carrying a Piccolo session of a shadow `BaseUser` with
the same username. The shadow's password is random and never shown, so Piccolo's
own login is never needed, no second password has to be kept in step, and
demoting, deactivating or signing out a Fangzha admin closes the admin at once:
everyone else is stopped at the gate, whatever Piccolo session they hold.

The admin is read-only. Every table has rules that only the API enforces
(branch paths, the last active admin, password hashing, an event's calendar
SEQUENCE and JSON fields, the interception audit trail), so the admin is for
looking, filtering and exporting; changes go through the API.
"""

import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from litestar import asgi
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.types import Receive, Scope, Send
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table
from piccolo_admin.endpoints import create_admin
from piccolo_api.session_auth.tables import SessionsBase

from accounts.caller import Caller
from accounts.tables import Branch
from events.tables import Attendance, Campaign, Event
from interceptions.tables import Interception, InterceptionChange

# Piccolo Admin's session cookie; whatever the browser sends under it is replaced.
PICCOLO_SESSION_COOKIE = "id"
# A session about to lapse is not reused, so a request never races its expiry.
_SESSION_MARGIN = timedelta(minutes=5)


class UserInAdmin(Table, tablename="app_user"):
    """The user table as the admin sees it: no password hash, no calendar secrets.

    Piccolo Admin lists every column of a table it is given, in its forms too
    (secret ones empty); a table class without them keeps them out altogether.
    """

    id = Serial(primary_key=True)
    username = Varchar(length=64)
    display_name = Varchar(length=200)
    role = Varchar(length=16)
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    active = Boolean()
    created_at = Timestamptz()


@cache
def admin_app() -> Any:
    """Built once per process: it compiles its routes and holds its rate limiter."""
    return create_admin(
        tables=[
            Branch,
            UserInAdmin,
            Campaign,
            Event,
            Attendance,
            Interception,
            InterceptionChange,
        ],
        read_only=True,
        # Related tables would bring the full user table back in through foreign keys.
        auto_include_related=False,
        site_name="Fangzha 防诈 Admin",
        production=True,
        sidebar_links={"Fangzha": "/staff"},
    )


_FLAGS = (BaseUser.admin, BaseUser.superuser, BaseUser.active)


async def _find_shadow(username: str) -> dict[str, Any] | None:
    return await BaseUser.select(BaseUser.id, *_FLAGS).where(BaseUser.username == username).first()


async def _shadow_user_id(caller: Caller) -> int:
    shadow = await _find_shadow(caller.username)
    if shadow is None:
        try:
            created = await BaseUser.create_user(
                username=caller.username,
                password=secrets.token_urlsafe(32),
                # Piccolo's email is unique; an address that can never receive mail.
                email=f"{caller.username}@users.fangzha.invalid",
                admin=True,
                superuser=True,
                active=True,
            )
            return int(created.id)
        except Exception:
            # Two first requests at once: the other one made the shadow.
            shadow = await _find_shadow(caller.username)
            if shadow is None:
                raise
    if not all(shadow[column._meta.name] for column in _FLAGS):
        # Someone changed it through Piccolo's own tools; the gate is what counts.
        await BaseUser.update(dict.fromkeys(_FLAGS, True)).where(BaseUser.id == shadow["id"])
    return int(shadow["id"])


async def piccolo_session_for(caller: Caller) -> str:
    """A live Piccolo session token for the caller's shadow user, reused while it lasts."""
    user_id = await _shadow_user_id(caller)
    # Piccolo stores session expiries as naive local times.
    soon = datetime.now() + _SESSION_MARGIN
    row = (
        await SessionsBase.select(SessionsBase.token)
        .where(
            (SessionsBase.user_id == user_id)
            & (SessionsBase.expiry_date > soon)
            & (SessionsBase.max_expiry_date > soon)
        )
        .first()
    )
    if row is not None:
        return str(row["token"])
    # The bridge makes at most one session an hour per admin; drop the lapsed ones.
    await SessionsBase.delete().where(
        (SessionsBase.user_id == user_id)
        & ((SessionsBase.expiry_date <= soon) | (SessionsBase.max_expiry_date <= soon))
    )
    session = await SessionsBase.create_session(user_id)
    return str(session.token)


def _with_session_cookie(scope: Scope, token: str) -> Scope:
    sent = [value for name, value in scope["headers"] if name == b"cookie"]
    headers = [(name, value) for name, value in scope["headers"] if name != b"cookie"]
    # Starlette keeps the last of repeated cookie names, so the bridged session wins.
    cookie = b"; ".join([*sent, f"{PICCOLO_SESSION_COOKIE}={token}".encode()])
    scope["headers"] = [*headers, (b"cookie", cookie)]
    return scope


async def _redirect_to_login(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", b"/login"), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


@asgi("/admin/", is_mount=True, copy_scope=True)
async def admin(scope: Scope, receive: Receive, send: Send) -> None:
    """Piccolo Admin, for Fangzha admins only."""
    caller = scope.get("user")
    if not isinstance(caller, Caller):
        if scope.get("method") in ("GET", "HEAD"):
            await _redirect_to_login(send)
            return
        raise NotAuthorizedException("Sign in as an admin to use the admin site.")
    if not caller.is_admin:
        raise PermissionDeniedException("Only admins may use the admin site.")
    token = await piccolo_session_for(caller)
    await admin_app()(_without_pathsend(_with_session_cookie(scope, token)), receive, send)


def _without_pathsend(scope: Scope) -> Scope:
    """The admin's static files are sent as bodies, not as a path for the server to send.

    Granian offers the `http.response.pathsend` extension and Starlette's file
    responses use it, but the middleware between them (compression, the request
    log, Litestar's own send wrapper) only knows body messages, so the admin's
    scripts answered 500.
    """
    extensions = dict(scope.get("extensions") or {})
    extensions.pop("http.response.pathsend", None)
    return {**scope, "extensions": extensions}  # type: ignore[return-value]
