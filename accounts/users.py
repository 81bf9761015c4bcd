"""User accounts: created and changed by admins, read by themselves."""

from typing import Any

from accounts.calendar_tokens import (
    calendar_token_for,
    calendar_token_hash,
    new_calendar_seed,
    unissued_calendar_token_hash,
)
from accounts.password_rules import check_new_password
from accounts.passwords import make_password_hash
from accounts.roles import Role
from accounts.schemas import UserCreate, UserOut, UserUpdate
from accounts.tables import ApiToken, Branch, User
from core.clock import utcnow
from core.errors import Conflict, NotFound, Unprocessable
from core.transactions import lock_key, write_transaction

# Serialises every change that could leave no active admin (two admins demoting
# each other at once would each still count the other).
ACTIVE_ADMINS = lock_key("active-admins")

_COLUMNS = (User.id, User.username, User.display_name, User.role, User.branch, User.active)


def to_user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        branch_id=row["branch"],
        active=row["active"],
    )


async def list_users(limit: int, offset: int) -> tuple[list[UserOut], int]:
    rows = await User.select(*_COLUMNS).order_by(User.id).limit(limit).offset(offset)
    return [to_user_out(r) for r in rows], await User.count()


async def get_user(user_id: int) -> UserOut:
    row = await User.select(*_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound("User", user_id)
    return to_user_out(row)


async def _require_branch(branch_id: int) -> None:
    if not await Branch.exists().where(Branch.id == branch_id):
        raise Unprocessable("Branch {branch_id} does not exist.", branch_id=branch_id)


async def create_user(data: UserCreate) -> UserOut:
    check_new_password(data.password)
    password_hash = await make_password_hash(data.password)
    async with write_transaction(User):
        await _require_branch(data.branch_id)
        if await User.exists().where(User.username == data.username):
            raise Conflict("The username {username} is taken.", username=data.username)
        rows = await User.insert(
            User(
                username=data.username,
                display_name=data.display_name or data.username,
                role=data.role,
                branch=data.branch_id,
                password_hash=password_hash,
                active=data.active,
                created_at=utcnow(),
            )
        ).returning(User.id)
    return await get_user(rows[0]["id"])


async def _is_last_active_admin(user_id: int) -> bool:
    others = await User.count().where(
        (User.role == Role.ADMIN) & (User.active.eq(True)) & (User.id != user_id)
    )
    return others == 0


async def update_user(user_id: int, data: UserUpdate) -> UserOut:
    values: dict[Any, Any] = {}
    if isinstance(data.password, str):
        values.update(await _new_password_values(data.password))
    guards = [ACTIVE_ADMINS] if isinstance(data.role, str) or data.active is False else []
    async with write_transaction(User, *guards):
        current = await User.select(User.role, User.active).where(User.id == user_id).first()
        if current is None:
            raise NotFound("User", user_id)
        demoted = isinstance(data.role, str) and data.role != Role.ADMIN.value
        deactivated = data.active is False
        if (
            current["role"] == Role.ADMIN
            and current["active"]
            and (demoted or deactivated)
            and await _is_last_active_admin(user_id)
        ):
            raise Unprocessable(
                "This is the last active admin; make another user admin first, "
                "or nobody could manage users and branches."
            )
        if isinstance(data.branch_id, int):
            await _require_branch(data.branch_id)
            values[User.branch] = data.branch_id
        if isinstance(data.display_name, str):
            values[User.display_name] = data.display_name
        if isinstance(data.role, str):
            values[User.role] = data.role
        if isinstance(data.active, bool):
            values[User.active] = data.active
        if values:
            await User.update(values).where(User.id == user_id)
        if deactivated or isinstance(data.password, str):
            # A new password or a deactivation ends every session the old one opened.
            await ApiToken.delete().where(ApiToken.user == user_id)
    return await get_user(user_id)


async def _new_password_values(password: str) -> dict[Any, Any]:
    check_new_password(password)
    # A reset means the account may have been in other hands: the private calendar
    # address they could have copied stops working too (the owner sees a new one).
    return {
        User.password_hash: await make_password_hash(password),
        User.calendar_seed: new_calendar_seed(),
        User.calendar_token_hash: unissued_calendar_token_hash(),
    }


async def reset_password(user_id: int, password: str) -> None:
    """A new password: every session and the private calendar address end with the old one."""
    values = await _new_password_values(password)
    async with write_transaction(User):
        await User.update(values).where(User.id == user_id)
        await ApiToken.delete().where(ApiToken.user == user_id)


async def calendar_token_of(user_id: int, key: bytes) -> str:
    """The user's private calendar token; from the first time it is shown, it works."""
    row = await (
        User.select(User.calendar_seed, User.calendar_token_hash).where(User.id == user_id).first()
    )
    if row is None:
        raise NotFound("User", user_id)
    token = calendar_token_for(row["calendar_seed"], key)
    if row["calendar_token_hash"] != calendar_token_hash(token):
        # Unissued, or the server key changed. A rotation meanwhile changed the seed,
        # and must not be undone.
        await User.update({User.calendar_token_hash: calendar_token_hash(token)}).where(
            (User.id == user_id) & (User.calendar_seed == row["calendar_seed"])
        )
    return token


async def rotate_calendar_token(user_id: int, key: bytes) -> str:
    seed = new_calendar_seed()
    token = calendar_token_for(seed, key)
    await User.update(
        {User.calendar_seed: seed, User.calendar_token_hash: calendar_token_hash(token)}
    ).where(User.id == user_id)
    return token
