"""Signing in, with failed attempts per username slowed down to a stop."""

from datetime import timedelta

from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.stores.base import Store

from accounts.passwords import verify_password, waste_a_verification
from accounts.schemas import UserOut
from accounts.tables import User
from accounts.tokens import issue_token
from accounts.users import to_user_out

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def _key(username: str) -> str:
    return f"login-failures:{username.casefold()}"


async def _failures(store: Store, username: str) -> int:
    raw = await store.get(_key(username))
    return int(raw) if raw else 0


async def login(store: Store, username: str, password: str) -> tuple[str, UserOut]:
    if await _failures(store, username) >= MAX_FAILURES:
        raise TooManyRequestsException(
            detail="Too many failed sign-ins for this username. Try again in 15 minutes.",
            headers={"Retry-After": str(int(LOCKOUT.total_seconds()))},
        )
    row = await User.select().where(User.username == username).first()
    if row is None:
        waste_a_verification(password)
        ok = False
    else:
        # Verify even for a deactivated account, so timing does not tell which accounts are.
        ok = verify_password(row["password_hash"], password) and bool(row["active"])
    if not ok:
        # The window restarts with each failure: a steady guesser stays locked out.
        count = await _failures(store, username) + 1
        await store.set(_key(username), str(count), expires_in=LOCKOUT)
        raise NotAuthorizedException(detail="Wrong username or password.")
    assert row is not None
    await store.delete(_key(username))
    return await issue_token(row["id"]), to_user_out(row)
