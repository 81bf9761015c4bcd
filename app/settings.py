"""Settings from the environment, read once at start-up."""

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

from accounts.client_address import Network
from accounts.login_throttle import LoginLimits
from accounts.passwords import DEFAULT_CONCURRENCY
from app.server_secret import secret_key
from core.urls import host_name
from events.ics_fetch import FetchLimits

# The same default as piccolo_conf.py: the data folder holds the database and the key.
DEFAULT_SQLITE_PATH = "data/fangzha.sqlite"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name

# Names a browser on this machine uses; `make run` works with no configuration.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _positive(name: str, default: float) -> float:
    """A positive number, or the default when unset or not one."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def _networks(name: str) -> tuple[Network, ...]:
    text = os.environ.get(name, "")
    try:
        return tuple(ip_network(item, strict=False) for item in re.split(r"[\s,]+", text) if item)
    except ValueError as exc:
        raise RuntimeError(f"{name} must list IP addresses or networks: {exc}") from exc


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
    # Calendar imports by address: time and size, and whether private addresses may be fetched.
    fetch_limits: FetchLimits
    # The address the public reaches us at; https here turns on HSTS.
    public_url: str
    # Keys the private calendar addresses; the same in every worker and across restarts.
    secret_key: bytes
    # Proxies whose X-Forwarded-For names the client; nobody's by default.
    trusted_proxies: tuple[Network, ...]
    login_limits: LoginLimits
    # Argon2 hashes running at once (each holds 64 MiB while it runs).
    password_hashing_threads: int

    # Feeds, QR codes and private calendar addresses are built from the public
    # URL when it is set, else from the request's host, which must be allowed.
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # One JSON line per request on stderr (app/request_log.py); `fangzha serve` turns it on.
    request_log: bool = False
    # Where worker processes pool their metrics (prometheus_client's multiprocess mode).
    metrics_multiprocess_folder: str = ""

    @classmethod
    def from_env(cls) -> "Settings":
        public_url = public_url_of(os.environ.get("FANGZHA_PUBLIC_URL", ""))
        data_dir = Path(os.environ.get("FANGZHA_SQLITE_PATH", DEFAULT_SQLITE_PATH)).parent
        return cls(
            debug=_flag("FANGZHA_DEBUG"),
            max_body_bytes=_number("FANGZHA_MAX_BODY_BYTES", 1024 * 1024),
            fetch_limits=FetchLimits(
                timeout_seconds=_positive("FANGZHA_FETCH_TIMEOUT_SECONDS", 10.0),
                max_bytes=int(_positive("FANGZHA_FETCH_MAX_BYTES", 5 * 1024 * 1024)),
                allow_private=_flag("FANGZHA_ALLOW_PRIVATE_FETCH"),
            ),
            public_url=public_url,
            secret_key=secret_key(
                os.environ.get("FANGZHA_SECRET_KEY", "").strip(), data_dir / SECRET_KEY_FILE
            ),
            trusted_proxies=_networks("FANGZHA_TRUSTED_PROXIES"),
            login_limits=LoginLimits(
                per_account=_number("FANGZHA_LOGIN_MAX_FAILURES", LoginLimits.per_account),
                per_address=_number(
                    "FANGZHA_LOGIN_MAX_FAILURES_PER_ADDRESS", LoginLimits.per_address
                ),
                window=timedelta(
                    minutes=_number(
                        "FANGZHA_LOGIN_LOCKOUT_MINUTES",
                        int(LoginLimits.window.total_seconds() // 60),
                    )
                ),
            ),
            password_hashing_threads=_number(
                "FANGZHA_PASSWORD_HASHING_THREADS", DEFAULT_CONCURRENCY
            ),
            allowed_hosts=allowed_hosts_of(os.environ.get("FANGZHA_ALLOWED_HOSTS", ""), public_url),
            request_log=_flag("FANGZHA_REQUEST_LOG"),
            metrics_multiprocess_folder=os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip(),
        )
