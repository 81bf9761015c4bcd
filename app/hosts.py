"""Requests must name one of our own hosts (Litestar's allowed-hosts check, port-blind).

Links in feeds, QR codes and private calendar addresses are built from the
request's host when no public URL is configured; an unknown Host is refused
before it can reach them or the feed cache.
"""

from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.datastructures import Headers
from litestar.exceptions import ClientException
from litestar.middleware.allowed_hosts import AllowedHostsMiddleware
from litestar.types import Receive, Scope, Send

from core.urls import host_name

# Load balancers probe by address; the answer holds no link.
UNCHECKED_PATHS = ["^/health$"]


def allowed_hosts_config(hosts: tuple[str, ...]) -> AllowedHostsConfig:
    return AllowedHostsConfig(
        allowed_hosts=list(hosts), exclude=UNCHECKED_PATHS, www_redirect=False
    )


class AllowedHosts(AllowedHostsMiddleware):
    """Litestar's check on the host name alone.

    Litestar 2.22+ matches the whole header, port included (litestar#4869), so
    `Host: 127.0.0.1:8000` would fail against `127.0.0.1`; the port never
    reaches a link unless it is the one we listen on (core/urls.py).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pattern = self.allowed_hosts_regex
        name = host_name(Headers.from_scope(scope).get("host", ""))
        if pattern is None or (name and pattern.fullmatch(name)):
            await self.app(scope, receive, send)
            return
        raise ClientException(
            detail="This server does not answer to that host name. Use the address your "
            "administrator published, or ask them to add it to FANGZHA_ALLOWED_HOSTS."
        )
