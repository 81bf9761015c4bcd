"""The demo users' password: random, shown once when set, never stored but as a hash."""

import secrets
from dataclasses import dataclass

import anyio

from accounts.passwords import hash_password
from accounts.tables import User
from app.demo.tables import DemoAccount


@dataclass(frozen=True)
class DemoPassword:
    """What to tell whoever loaded the demo: who signs in, and with which password."""

    password: str
    usernames: list[str]


def new_demo_password() -> str:
    return secrets.token_urlsafe(12)


async def hash_in_thread(password: str) -> str:
    # Argon2 is slow on purpose; the event loop does not wait for it.
    return await anyio.to_thread.run_sync(hash_password, password)


async def reset_demo_password() -> DemoPassword | None:
    """Give every demo account one new random password; None when there are none."""
    rows = await DemoAccount.select(
        DemoAccount.user, DemoAccount.user._.username.as_alias("username")
    ).order_by(DemoAccount.user)
    if not rows:
        return None
    password = new_demo_password()
    password_hash = await hash_in_thread(password)
    await User.update({User.password_hash: password_hash}).where(
        User.id.is_in([row["user"] for row in rows])
    )
    return DemoPassword(password, [row["username"] for row in rows])
