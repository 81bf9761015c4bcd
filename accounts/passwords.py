"""Password hashing with Argon2id (a slow, memory-hard KDF)."""

import os
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@cache
def _hasher() -> PasswordHasher:
    # The defaults are RFC 9106's "low memory" profile; tests may lower them by
    # environment to keep thousands of logins fast. Production leaves them unset.
    return PasswordHasher(
        time_cost=int(os.environ.get("FANGZHA_ARGON2_TIME_COST", "3")),
        memory_cost=int(os.environ.get("FANGZHA_ARGON2_MEMORY_KIB", "65536")),
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the username is unknown, so both paths cost the same.
_DUMMY_HASH: str | None = None


def waste_a_verification(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH, password)
