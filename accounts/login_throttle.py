"""Sign-in attempts counted per (username, address) and per address, in the database.

Every worker process sees the same counts. An attempt is counted before its
password is checked, in one atomic upsert, so fifty guesses sent at once get at
most the limit checked; a successful sign-in takes its attempt back. A window
opens at the first attempt and closes a fixed time later whatever happens inside
it, so a lockout always ends. Counting by address as well as by username means
someone guessing at `admin` from elsewhere never locks the real admin out.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv6Address, ip_address, ip_network

from accounts.tables import LoginThrottle
from core.clock import utcnow


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 5
    per_address: int = 50
    window: timedelta = timedelta(minutes=15)


def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _counted_as(address: str) -> str:
    # One IPv6 subscriber gets a whole /64: counting single addresses would give a
    # guesser billions of fresh ones.
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _account_key(username: str, address: str) -> str:
    return _key("account", username.casefold(), _counted_as(address))


def _address_key(address: str) -> str:
    return _key("address", _counted_as(address))


def _now() -> int:
    return int(utcnow().timestamp())


# Both counters in one statement; a window that has closed starts again at 1.
_COUNT = """
INSERT INTO login_throttle (key, attempts, window_start)
VALUES ({}, 1, {}), ({}, 1, {})
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN login_throttle.window_start <= {}
        THEN 1 ELSE login_throttle.attempts + 1 END,
    window_start = CASE WHEN login_throttle.window_start <= {}
        THEN excluded.window_start ELSE login_throttle.window_start END
RETURNING key, attempts, window_start
"""


async def count_attempt(username: str, address: str, limits: LoginLimits) -> int | None:
    """Counts a sign-in attempt; None when it may be checked, else seconds to wait."""
    now = _now()
    closed = now - int(limits.window.total_seconds())
    account, by_address = _account_key(username, address), _address_key(address)
    rows = await LoginThrottle.raw(_COUNT, account, now, by_address, now, closed, closed)
    limit = {account: limits.per_account, by_address: limits.per_address}
    waits = [
        row["window_start"] + limits.window.total_seconds() - now
        for row in rows
        if row["attempts"] > limit[row["key"]]
    ]
    return max(1, math.ceil(max(waits))) if waits else None


async def forgive_attempt(username: str, address: str, limits: LoginLimits) -> None:
    """A successful sign-in: its username starts afresh, its address gets the attempt back."""
    await LoginThrottle.delete().where(LoginThrottle.key == _account_key(username, address))
    await LoginThrottle.update({LoginThrottle.attempts: LoginThrottle.attempts - 1}).where(
        (LoginThrottle.key == _address_key(address)) & (LoginThrottle.attempts > 0)
    )
    # Windows that closed long ago count nothing; keep the table small.
    stale = _now() - 2 * int(limits.window.total_seconds())
    await LoginThrottle.delete().where(LoginThrottle.window_start < stale)
