"""401, 403 and 404 as pages in the visitor's language, for browsers opening a page.

The API, the schema, feeds and files keep their JSON errors: only a request
for a page (not under an API or file prefix) that accepts HTML gets a page.
A 401 is the sign-in form itself, returning to the page after signing in.
"""

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
)
from litestar.types import Scope

from accounts.tokens import SESSION_COOKIE, caller_for_token
from app.pages.rendering import page
from app.pages.sign_in import asking_path, sign_in_page

log = logging.getLogger("fangzha")

PAGE_STATUSES = (HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND)
# Everything here answers machines or files: errors stay JSON.
NOT_PAGES = ("/api/", "/api", "/schema", "/static/", "/calendar", "/metrics", "/health", "/admin")
NOT_PAGE_SUFFIXES = (".ics", ".json", ".csv", ".xlsx", ".svg", ".js", ".css", ".png")

ErrorHandler = Callable[[Request, HTTPException], Response[Any]]


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(NOT_PAGES) or path.endswith(NOT_PAGE_SUFFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def with_error_pages(json_handler: ErrorHandler) -> ErrorHandler:
    """The app's HTTP error handler, answering browsers' page requests with a page."""

    def handle(request: Request, exc: HTTPException) -> Response[Any]:
        if exc.status_code not in PAGE_STATUSES or not wants_page(request):
            return json_handler(request, exc)
        if exc.status_code == HTTP_401_UNAUTHORIZED:
            # The sign-in form where the page would have been; it comes back here after.
            return sign_in_page(request, status_code=401, next_path=asking_path(request))
        if exc.status_code == HTTP_403_FORBIDDEN:
            return page(request, "forbidden.html", status_code=403)
        return page(request, "not_found.html", status_code=404)

    return handle


async def find_caller_for_error_page(exc: Exception, scope: Scope) -> None:
    """An unknown address is answered before the sign-in middleware runs (no route, no
    middleware): find the caller here, so the 404 page shows the signed-in header."""
    if scope["type"] != ScopeType.HTTP or "user" in scope:
        return
    if not isinstance(exc, HTTPException) or exc.status_code not in PAGE_STATUSES:
        return
    request: Request[Any, Any, Any] = Request(scope)
    token = request.cookies.get(SESSION_COOKIE)
    if not token or not wants_page(request):
        return
    try:
        scope["user"] = await caller_for_token(token)
    except Exception:  # a page of its own still shows, signed out, if the database is down
        log.warning("Could not find the caller for an error page", exc_info=True)
