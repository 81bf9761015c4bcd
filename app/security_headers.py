"""Headers that make every response safer in a browser, added as each response starts.

A `before_send` hook sees every response, including Litestar's own 404s, the
static files and the mounted Piccolo Admin, which route middleware would miss.

Every poll pays for this hook, so it is a coroutine (Litestar runs a plain
function in its thread pool, a round trip per response) and works on the raw
header pairs in one pass.
"""

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


def _fixed_headers(https_only: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        # Private feed tokens live in URLs: no page passes its address on.
        (b"referrer-policy", b"no-referrer"),
    ]
    if https_only:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


_OURS = {
    b"content-security-policy",
    b"x-content-type-options",
    b"x-frame-options",
    b"referrer-policy",
    b"strict-transport-security",
}


def security_headers(public_url: str) -> BeforeMessageSendHookHandler:
    fixed = _fixed_headers(public_url.startswith("https://"))
    policies = {
        policy: (b"content-security-policy", policy.encode())
        for policy in (CONTENT_SECURITY_POLICY, ADMIN_CONTENT_SECURITY_POLICY)
    }

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        # A mount (the admin) sees its own path; raw_path is what the browser asked for.
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else scope["path"]
        headers = [pair for pair in message.get("headers") or [] if pair[0].lower() not in _OURS]
        headers.append(policies[policy_for(path)])
        headers.extend(fixed)
        message["headers"] = headers

    return add_headers
