"""The demo users' password: random, shown once when set, never stored but as a hash."""

import secrets
from dataclasses import dataclass

from accounts.passwords import make_password_hash
from accounts.tables import User
from app.demo.tables import DemoAccount


@dataclass(frozen=True)
class DemoPassword:
    """What to tell whoever loaded the demo: who signs in, and with which password."""

    password: str
    usernames: list[str]


def new_demo_password() -> str:
    return secrets.token_urlsafe(12)


async def reset_demo_password() -> DemoPassword | None:
    """Give every demo account one new random password; None when there are none."""
    rows = await DemoAccount.select(
        DemoAccount.user, DemoAccount.user._.username.as_alias("username")
    ).order_by(DemoAccount.user)
    if not rows:
        return None
    password = new_demo_password()
    password_hash = await make_password_hash(password)
    await User.update({User.password_hash: password_hash}).where(
        User.id.is_in([row["user"] for row in rows])
    )
    return DemoPassword(password, [row["username"] for row in rows])
