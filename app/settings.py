"""Settings from the environment, read once at start-up."""

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from accounts.client_address import Network
from accounts.login_throttle import LoginLimits
from accounts.passwords import DEFAULT_CONCURRENCY
from app.server_secret import secret_key

# The same default as piccolo_conf.py: the data folder holds the database and the key.
DEFAULT_SQLITE_PATH = "data/fangzha.sqlite"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _networks(name: str) -> tuple[Network, ...]:
    text = os.environ.get(name, "")
    try:
        return tuple(ip_network(item, strict=False) for item in re.split(r"[\s,]+", text) if item)
    except ValueError as exc:
        raise RuntimeError(f"{name} must list IP addresses or networks: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    debug: bool
    # JSON bodies are small; uploads (CSV, .ics) get their own larger limit.
    max_body_bytes: int
    max_upload_bytes: int
    allow_private_fetch: bool
    # The address the public reaches us at; https here turns on HSTS.
    public_url: str
    # Keys the private calendar addresses; the same in every worker and across restarts.
    secret_key: bytes
    # Proxies whose X-Forwarded-For names the client; nobody's by default.
    trusted_proxies: tuple[Network, ...]
    login_limits: LoginLimits
    # Argon2 hashes running at once (each holds 64 MiB while it runs).
    password_hashing_threads: int

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ.get("FANGZHA_SQLITE_PATH", DEFAULT_SQLITE_PATH)).parent
        return cls(
            debug=_flag("FANGZHA_DEBUG"),
            max_body_bytes=_number("FANGZHA_MAX_BODY_BYTES", 1024 * 1024),
            max_upload_bytes=_number("FANGZHA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
            allow_private_fetch=_flag("FANGZHA_ALLOW_PRIVATE_FETCH"),
            public_url=os.environ.get("FANGZHA_PUBLIC_URL", "").strip().rstrip("/"),
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
        )
