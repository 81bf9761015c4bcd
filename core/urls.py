"""The address that links in feeds, QR codes and private calendar URLs point at.

Never the raw Host header: a client could otherwise put any address into the
links we hand out and, by varying it, empty every cache keyed by it. The
configured public URL wins; without one, the request's host name (which the
app only accepts from its allowed list) with the port this server listens on.
"""

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.types import Scope

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_name(authority: str) -> str:
    """The name in a Host header or URL authority: lower case, no port; IPv6 keeps brackets."""
    authority = authority.strip().lower().rsplit("@", 1)[-1]
    if authority.startswith("["):
        end = authority.find("]")
        return authority[: end + 1] if end > 0 else ""
    return authority.split(":", 1)[0]


def _port(authority: str) -> int | None:
    tail = authority.strip().rsplit("]", 1)[-1]
    digits = tail.rpartition(":")[2] if ":" in tail else ""
    return int(digits) if digits.isdigit() and len(digits) <= 5 else None


def canonical_base_url(scope: Scope) -> str:
    """scheme://host[:port] of a request, from values the client cannot pick freely.

    The host name is one the allowed-hosts check let through; the port is kept
    only when it is the one this server listens on (a proxy that forwards
    `Host: example.cn` gets no port).
    """
    scheme = "https" if scope.get("scheme") in {"https", "wss"} else "http"
    header = Headers.from_scope(scope).get("host", "")
    server = scope.get("server")
    name = host_name(header)
    if not name and server:
        name = f"[{server[0]}]" if ":" in str(server[0]) else str(server[0]).lower()
    port = _port(header)
    # Granian gives the port as text, uvicorn as a number (the ASGI spec says int).
    listening = int(str(server[1])) if server and str(server[1]).isdigit() else None
    if port is None or port != listening or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{name}"
    return f"{scheme}://{name}:{port}"


def public_base_url(connection: ASGIConnection) -> str:
    """The address the public reaches us at: FANGZHA_PUBLIC_URL, else the canonical one."""
    configured: str = connection.app.state.get("public_url", "")
    return configured or canonical_base_url(connection.scope)
