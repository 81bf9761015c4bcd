"""First-run accounts: the admin of `make run` and users created from the CLI."""

from accounts.passwords import hash_password
from accounts.schemas import UserCreate, UserOut
from accounts.tables import Branch, User
from accounts.users import create_user
from core.errors import Unprocessable


async def create_user_by_branch_code(
    username: str, password: str, role: str, branch_code: str, display_name: str | None
) -> UserOut:
    row = await Branch.select(Branch.id).where(Branch.code == branch_code).first()
    if row is None:
        raise Unprocessable(f"No branch has the code {branch_code}.")
    data = UserCreate(
        username=username,
        password=password,
        role=role,  # type: ignore[arg-type]  # click.Choice checked it
        branch_id=row["id"],
        display_name=display_name,
    )
    return await create_user(data)


async def ensure_admin(password: str) -> bool:
    """Create `admin` at the root branch; True if it was created."""
    existing = await User.select(User.id).where(User.username == "admin").first()
    if existing is not None:
        if password:
            await User.update({User.password_hash: hash_password(password)}).where(
                User.id == existing["id"]
            )
        return False
    root = (
        await Branch.select(Branch.code).where(Branch.parent.is_null()).order_by(Branch.id).first()
    )
    if root is None:
        raise Unprocessable("There is no branch yet; load the demo or create a root branch first.")
    await create_user_by_branch_code("admin", password, "admin", root["code"], "系统管理员")
    return True
