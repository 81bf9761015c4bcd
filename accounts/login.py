"""Signing in: throttled before the password is checked, the check off the event loop."""

import math

from litestar.exceptions import NotAuthorizedException, TooManyRequestsException

from accounts.login_throttle import LoginLimits, count_attempt, forgive_attempt
from accounts.passwords import password_matches
from accounts.schemas import UserOut
from accounts.tables import User
from accounts.tokens import issue_token
from accounts.users import to_user_out
from core.errors import TooManyRequests


def too_many_attempts(wait_seconds: int) -> TooManyRequestsException:
    minutes = max(1, math.ceil(wait_seconds / 60))
    return TooManyRequests(
        "Too many failed sign-ins. Wait {minutes} min and try again.",
        headers={"Retry-After": str(wait_seconds)},
        minutes=minutes,
    )


async def login(
    username: str, password: str, address: str, limits: LoginLimits
) -> tuple[str, UserOut]:
    wait = await count_attempt(username, address, limits)
    if wait is not None:
        raise too_many_attempts(wait)
    row = await User.select().where(User.username == username).first()
    # An unknown username is checked against nobody's hash: the same cost, the same answer.
    matches = await password_matches(row["password_hash"] if row else None, password)
    # A deactivated account is checked too, so timing does not tell which accounts are.
    if row is None or not matches or not row["active"]:
        raise NotAuthorizedException(detail="Wrong username or password.")
    await forgive_attempt(username, address, limits)
    return await issue_token(row["id"]), to_user_out(row)
