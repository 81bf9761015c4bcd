"""Finds the caller from a bearer token or the session cookie; anonymous is allowed."""

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from accounts.cross_site import CROSS_SITE_DETAIL, is_cross_site_write
from accounts.tokens import SESSION_COOKIE, caller_for_token


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token, from_cookie = _token_of(connection)
        # No token: a public request, answered without touching the database.
        caller = await caller_for_token(token) if token else None
        if caller is not None and from_cookie and is_cross_site_write(connection):
            # A browser sends the session cookie wherever the request comes from;
            # SameSite=Lax stops most of that, this stops the rest (older browsers,
            # sibling subdomains). Bearer tokens are never sent by a browser on its own.
            raise PermissionDeniedException(detail=CROSS_SITE_DETAIL)
        return AuthenticationResult(user=caller, auth=token if caller else None)


def _token_of(connection: ASGIConnection) -> tuple[str | None, bool]:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = connection.cookies.get(SESSION_COOKIE) or None
    return cookie, cookie is not None
