"""Headers that make every response safer in a browser, added as each response starts.

A `before_send` hook sees every response, including Litestar's own 404s, the
static files and the mounted Piccolo Admin, which route middleware would miss.
"""

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

_POLICY = {
    "default-src": "'self'",
    # No inline script or style anywhere: page scripts are files under /static.
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Piccolo Admin's bundle adds its component and icon styles as <style> elements and
# compiles its form templates with `new Function` at run time; its scripts are files
# like ours, so inline script stays refused. Only /admin gets these two allowances.
_ADMIN_POLICY = {
    **_POLICY,
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
}


def _header(policy: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in policy.items())


CONTENT_SECURITY_POLICY = _header(_POLICY)
ADMIN_CONTENT_SECURITY_POLICY = _header(_ADMIN_POLICY)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def policy_for(path: str) -> str:
    if _under(path, "/admin"):
        return ADMIN_CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY


def security_headers(public_url: str) -> BeforeMessageSendHookHandler:
    https_only = public_url.startswith("https://")

    def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        # A mount (the admin) sees its own path; raw_path is what the browser asked for.
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else scope["path"]
        headers["Content-Security-Policy"] = policy_for(path)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # Private feed tokens live in URLs: no page passes its address on.
        headers["Referrer-Policy"] = "no-referrer"
        if https_only:
            headers["Strict-Transport-Security"] = "max-age=31536000"

    return add_headers
