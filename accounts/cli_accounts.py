"""Accounts made by the CLI: `users create`, and the `admin` that `serve` makes sure exists."""

import secrets

import msgspec

from accounts.passwords import password_matches
from accounts.schemas import UserCreate, UserOut
from accounts.tables import Branch, User
from accounts.users import create_user, reset_password
from core.errors import Unprocessable


def _checked(value: object, shape: object, what: str) -> object:
    # Struct constructors skip the constraints the API enforces; convert() applies them.
    try:
        return msgspec.convert(value, shape)
    except msgspec.ValidationError as exc:
        raise Unprocessable("The {what} is not valid: {exc}", what=what, exc=exc) from exc


async def create_user_by_branch_code(
    username: str, password: str, role: str, branch_code: str, display_name: str | None
) -> UserOut:
    row = await Branch.select(Branch.id).where(Branch.code == branch_code).first()
    if row is None:
        raise Unprocessable("No branch has the code {branch_code}.", branch_code=branch_code)
    fields = {
        "username": username,
        "password": password,
        "role": role,
        "branch_id": row["id"],
        "display_name": display_name,
    }
    data = _checked(fields, UserCreate, "account")
    assert isinstance(data, UserCreate)
    return await create_user(data)


async def ensure_admin(password: str | None) -> tuple[bool, str | None]:
    """Create `admin` at the root branch, or set its password when one is given.

    Answers whether it was created and, when no password was given, the random
    one it got. An existing admin without a given password is left alone.
    """
    existing = (
        await User.select(User.id, User.password_hash).where(User.username == "admin").first()
    )
    if existing is not None:
        # Unchanged on every restart: a reset would end the admin's sessions each time.
        if password and not await password_matches(existing["password_hash"], password):
            await reset_password(existing["id"], password)
        return False, None
    root = (
        await Branch.select(Branch.code).where(Branch.parent.is_null()).order_by(Branch.id).first()
    )
    if root is None:
        raise Unprocessable("There is no branch yet; load the demo or create a root branch first.")
    generated = None if password else secrets.token_urlsafe(12)
    await create_user_by_branch_code(
        "admin", password or generated or "", "admin", root["code"], "系统管理员"
    )
    return True, generated
