"""Finds the caller from a bearer token or the session cookie; anonymous is allowed."""

from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from accounts.tokens import SESSION_COOKIE, caller_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token, from_cookie = _token_of(connection)
        # No token: a public request, answered without touching the database.
        caller = await caller_for_token(token) if token else None
        if caller is not None and from_cookie and _cross_site_write(connection):
            # A browser sends the session cookie wherever the request comes from;
            # SameSite=Lax stops most of that, this stops the rest (older browsers,
            # sibling subdomains). Bearer tokens are never sent by a browser on its own.
            raise PermissionDeniedException(
                detail="This change came from another website and cannot use your session. "
                "Open Fangzha itself and try again."
            )
        return AuthenticationResult(user=caller, auth=token if caller else None)


def _token_of(connection: ASGIConnection) -> tuple[str | None, bool]:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = connection.cookies.get(SESSION_COOKIE) or None
    return cookie, cookie is not None


def _cross_site_write(connection: ASGIConnection) -> bool:
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return False
    fetch_site = connection.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = connection.headers.get("origin")
    if origin is None:
        # Not a browser's cross-site request (they send Origin on every unsafe one).
        return False
    return urlsplit(origin).netloc.lower() != connection.headers.get("host", "").lower()
