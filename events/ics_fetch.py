"""Fetching a calendar from an address: public addresses only, bounded in time and size.

Every address a name resolves to must be public, and the connection goes to
the address that was checked (a DNS answer that changes in between cannot
reach an internal host); each redirect is checked again.
"""

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from core.errors import Message, Unprocessable

MAX_REDIRECTS = 3


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much a fetch may take (app/settings.py reads them at start-up)."""

    timeout_seconds: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False


async def _public_address(host: str, port: int, allow_private: bool) -> str:
    """An address of `host` to connect to; every address it resolves to must be public."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise Unprocessable("The address {host} could not be found.", host=host) from exc
    if not infos:
        raise Unprocessable("The address {host} could not be found.", host=host)
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if not allow_private and (not address.is_global or address.is_multicast):
            raise Unprocessable(
                "{host} is a private, loopback or link-local address ({address}); only public "
                "calendar addresses can be imported.",
                host=host,
                address=address,
            )
    return str(infos[0][4][0])


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the address it checked itself.

    Checking a name and then letting the client resolve it again would let a
    DNS answer that changes in between (rebinding) reach an internal host.
    TLS still verifies the certificate against the host name.
    """

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await _public_address(host, port, self._allow_private)
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Unprocessable("Calendar addresses must be http:// or https:// URLs.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    """The body as httpcore streams it, with its errors as httpx's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        await self._stream.aclose()


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise httpx.TimeoutException(str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
        raise httpx.TransportError(str(exc)) from exc


class CheckedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over an httpcore pool that connects only to checked addresses.

    httpx's own transport builds its pool without a way to pass a network
    backend, so this one owns the pool it needs.
    """

    def __init__(self, allow_private: bool) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=2,
            network_backend=CheckedBackend(allow_private),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        outgoing = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(outgoing)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def _checked_url(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise Unprocessable("The calendar address is not a valid URL.") from exc
    if parts.scheme not in {"http", "https"}:
        raise Unprocessable("The calendar address must start with http:// or https://.")
    if not parts.hostname:
        raise Unprocessable("The calendar address has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Unprocessable("The calendar address has an invalid port.") from exc
    return url.strip(), parts.hostname, port


async def fetch_calendar(url: str, limits: FetchLimits) -> bytes:
    """The body at `url`, following at most three redirects, each checked again."""
    timeout = httpx.Timeout(limits.timeout_seconds)
    try:
        async with asyncio.timeout(limits.timeout_seconds * 2):
            async with httpx.AsyncClient(
                timeout=timeout,
                follow_redirects=False,
                trust_env=False,
                transport=CheckedTransport(limits.allow_private),
            ) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    url, host, port = _checked_url(url)
                    await _public_address(host, port, limits.allow_private)
                    body, location = await _get(client, url, limits.max_bytes)
                    if location is None:
                        return body
                    url = urljoin(url, location)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise Unprocessable(
            "The calendar address did not answer within {timeout_seconds:g} seconds.",
            timeout_seconds=limits.timeout_seconds,
        ) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise Unprocessable("The calendar address could not be read: {exc}", exc=exc) from exc
    raise Unprocessable(
        "The calendar address redirected more than {limit} times.", limit=MAX_REDIRECTS
    )


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> tuple[bytes, str | None]:
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "Fangzha calendar import"}
    async with client.stream("GET", url, headers=headers) as response:
        if response.is_redirect and "location" in response.headers:
            return b"", response.headers["location"]
        if response.status_code != 200:
            raise Unprocessable(
                "The calendar address answered HTTP {status_code}.",
                status_code=response.status_code,
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Unprocessable(_too_large(max_bytes))
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise Unprocessable(_too_large(max_bytes))
            chunks.append(chunk)
    return b"".join(chunks), None


def _too_large(max_bytes: int) -> Message:
    return Message(
        "The calendar is larger than the {megabytes:g} MB an import may be.",
        megabytes=max_bytes / 1024 / 1024,
    )
