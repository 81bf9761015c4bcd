"""Finds the caller from a bearer token or the session cookie; anonymous is allowed."""

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from accounts.tokens import SESSION_COOKIE, caller_for_token


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = _token_of(connection)
        # No token: a public request, answered without touching the database.
        caller = await caller_for_token(token) if token else None
        return AuthenticationResult(user=caller, auth=token if caller else None)


def _token_of(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(SESSION_COOKIE) or None
