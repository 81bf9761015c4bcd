"""The address a request comes from, believing X-Forwarded-For only from trusted proxies.

Anyone can send an X-Forwarded-For header; believed blindly, it lets a guesser
pick a fresh address for every sign-in attempt. So the header is read only when
the connection comes from a configured proxy, and then from the right: each
trusted proxy appends the address it saw, and the first hop that is not one of
ours is the client.
"""

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from litestar.connection import ASGIConnection

Network = IPv4Network | IPv6Network


def _trusted(host: str, proxies: Sequence[Network]) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def client_address(connection: ASGIConnection, trusted_proxies: Sequence[Network]) -> str:
    peer = connection.client.host if connection.client else ""
    if not _trusted(peer, trusted_proxies):
        return peer
    hops = [
        hop.strip()
        for header in connection.headers.getall("x-forwarded-for", [])
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, trusted_proxies):
            return hop[:64]
        peer = hop
    return peer
