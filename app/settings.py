"""Settings from the environment, read once at start-up."""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.urls import host_name

# Names a browser on this machine uses; `make run` works with no configuration.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def public_url_of(value: str) -> str:
    """FANGZHA_PUBLIC_URL as links use it (no trailing slash), or "" when unset.

    It is written into every feed, QR code and private calendar address, so a
    value that is not a plain http(s) address stops the start instead.
    """
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    printable = value.isprintable() and not any(c.isspace() for c in value)
    if not printable or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(
            f"FANGZHA_PUBLIC_URL must be an http:// or https:// address such as "
            f"https://fangzha.example.cn, not {value!r}."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("FANGZHA_PUBLIC_URL must not carry a query, fragment or user name.")
    return value.rstrip("/")


def allowed_hosts_of(value: str, public_url: str) -> tuple[str, ...]:
    """Host names requests may name: loopback, the public URL's host and FANGZHA_ALLOWED_HOSTS.

    Exact names only: a wildcard would let any client choose the address that
    links are built from and the feed cache is keyed by.
    """
    names: list[str] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        bare_ipv6 = entry.count(":") > 1 and not entry.startswith("[")
        name = f"[{entry.lower()}]" if bare_ipv6 else host_name(entry)
        if not name or "*" in name or "/" in name or not name.isprintable():
            raise ValueError(
                "FANGZHA_ALLOWED_HOSTS lists host names such as fangzha.example.cn, "
                f"separated by commas; {entry!r} is not one."
            )
        names.append(name)
    public_host = host_name(urlsplit(public_url).netloc) if public_url else ""
    found = [*LOOPBACK_HOSTS, *([public_host] if public_host else []), *names]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Settings:
    debug: bool
    # JSON bodies are small; uploads (CSV, .ics) get their own larger limit.
    max_body_bytes: int
    max_upload_bytes: int
    allow_private_fetch: bool
    # Feeds, QR codes and private calendar addresses are built from the public
    # URL when it is set, else from the request's host, which must be allowed.
    public_url: str = ""
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS

    @classmethod
    def from_env(cls) -> "Settings":
        public_url = public_url_of(os.environ.get("FANGZHA_PUBLIC_URL", ""))
        return cls(
            debug=_flag("FANGZHA_DEBUG"),
            max_body_bytes=int(os.environ.get("FANGZHA_MAX_BODY_BYTES", str(1024 * 1024))),
            max_upload_bytes=int(os.environ.get("FANGZHA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
            allow_private_fetch=_flag("FANGZHA_ALLOW_PRIVATE_FETCH"),
            public_url=public_url,
            allowed_hosts=allowed_hosts_of(os.environ.get("FANGZHA_ALLOWED_HOSTS", ""), public_url),
        )
