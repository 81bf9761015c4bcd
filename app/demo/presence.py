"""Whether demo data is in the database, and which demo accounts can sign in."""

from app.demo.tables import DemoAccount


async def demo_data_present() -> bool:
    """True while any account the demo loader created is still there."""
    return bool(await DemoAccount.exists())


async def active_demo_usernames() -> list[str]:
    """Demo accounts that can sign in with the demo password."""
    rows = (
        await DemoAccount.select(DemoAccount.user._.username.as_alias("username"))
        .where(DemoAccount.user._.active.eq(True))
        .order_by(DemoAccount.user)
    )
    return [row["username"] for row in rows]
