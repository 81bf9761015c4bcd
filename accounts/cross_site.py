"""Whether a write was sent by a page of another website (Sec-Fetch-Site, else Origin)."""

from urllib.parse import urlsplit

from litestar.connection import ASGIConnection

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CROSS_SITE_DETAIL = (
    "This change came from another website and cannot use your session. "
    "Open Fangzha itself and try again."
)


def is_cross_site_write(connection: ASGIConnection) -> bool:
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
