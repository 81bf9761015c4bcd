"""Signing in and out of the web pages, and coming back to the page that asked.

`?next=` only ever names a path of this site: an address from elsewhere
(`https://…`, `//host`, `/\\host`) would turn the sign-in page into a way to
send a signed-in user anywhere.
"""

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.guards import caller_of
from accounts.tokens import SESSION_COOKIE, revoke_token
from app.pages.rendering import page

# Where a sign-in goes when no page asked for it.
HOME_AFTER_SIGN_IN = "/staff"
_NOT_AFTER_SIGN_IN = ("/login", "/logout")

Next = Annotated[
    str | None,
    QueryParameter(name="next", max_length=2000, description="The page to return to"),
]


def safe_next(value: str | None) -> str | None:
    """The path to return to after signing in, or None when it is not a local path."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(_NOT_AFTER_SIGN_IN):
        return None
    return value


def asking_path(request: Request) -> str:
    """This request's own path and query: the page to come back to."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    return request.url.path + (f"?{query}" if query else "")


def sign_in_url(next_path: str | None, *, expired: bool = False) -> str:
    query: dict[str, str] = {}
    if next_path and (safe := safe_next(next_path)):
        query["next"] = safe
    if expired:
        query["expired"] = "1"
    return "/login" + (f"?{urlencode(query)}" if query else "")


def sign_in_redirect(request: Request) -> Redirect:
    """For a page that needs a signed-in user: to the sign-in page, and back here after."""
    return Redirect(sign_in_url(asking_path(request)), status_code=HTTP_303_SEE_OTHER)


def sign_in_page(
    request: Request, *, status_code: int = 200, next_path: str | None = None
) -> Template:
    """The sign-in form; as a 401 it stands where the page asked for would have been."""
    # A session cookie the server no longer knows: the session ended (expired, or signed out
    # elsewhere), so say so rather than just "sign in".
    expired = request.query_params.get("expired") == "1" or (
        caller_of(request) is None and bool(request.cookies.get(SESSION_COOKIE))
    )
    return page(
        request,
        "login.html",
        status_code=status_code,
        next_url=safe_next(next_path) or "",
        expired=expired,
        signed_out=request.query_params.get("signed_out") == "1",
    )


class SignInPages(Controller):
    include_in_schema = False

    @get("/login", operation_id="loginPage")
    async def login(self, request: Request, next_path: Next = None) -> Template:
        """The sign-in form for staff, coordinators and admins; `next` is where it returns."""
        return sign_in_page(request, next_path=next_path)

    @post("/logout", operation_id="logoutPage", status_code=HTTP_303_SEE_OTHER)
    async def logout(self, request: Request) -> Redirect:
        """Sign out from any page (a plain form, no script needed): session ended, cookie gone."""
        caller = caller_of(request)
        if caller is not None:
            await revoke_token(caller.token_hash)
        response = Redirect("/login?signed_out=1", status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
