"""Password hashing with Argon2id (a slow, memory-hard KDF), off the event loop.

One verification costs about a tenth of a second of CPU and 64 MiB. Run on the
event loop, forty parallel sign-ins held every other request for seconds; so
hashing runs in worker threads, a bounded number at once (each holds its
memory while it runs), and everyone else's requests go on meanwhile.
"""

import os
from functools import cache

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

DEFAULT_CONCURRENCY = 2

_concurrency = DEFAULT_CONCURRENCY
# A limiter belongs to one event loop; tests and the CLI run several loops in turn.
_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("password_hashing_limiter")


@cache
def _hasher() -> PasswordHasher:
    # The defaults are RFC 9106's "low memory" profile; tests may lower them by
    # environment to keep thousands of logins fast. Production leaves them unset.
    return PasswordHasher(
        time_cost=int(os.environ.get("FANGZHA_ARGON2_TIME_COST", "3")),
        memory_cost=int(os.environ.get("FANGZHA_ARGON2_MEMORY_KIB", "65536")),
    )


def set_hashing_concurrency(threads: int) -> None:
    """How many hashes may run at once in this process (from the settings)."""
    global _concurrency
    _concurrency = max(1, threads)


def _limiter() -> anyio.CapacityLimiter:
    try:
        limiter = _LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(_concurrency)
        _LIMITER.set(limiter)
    if limiter.total_tokens != _concurrency:
        limiter.total_tokens = _concurrency
    return limiter


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _nobodys_hash() -> str:
    return _hasher().hash("not anybody's password")


def _matches_nobody(password: str) -> bool:
    _matches(_nobodys_hash(), password)
    return False


async def make_password_hash(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher().hash, password, limiter=_limiter())


async def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password is right; without a hash (unknown user) it costs the same."""
    if password_hash is None:
        return await anyio.to_thread.run_sync(_matches_nobody, password, limiter=_limiter())
    return await anyio.to_thread.run_sync(_matches, password_hash, password, limiter=_limiter())
