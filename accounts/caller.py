import msgspec

from accounts.roles import Role


class Caller(msgspec.Struct, frozen=True):
    """The signed-in user behind a request, as the auth middleware found them."""

    id: int
    username: str
    display_name: str
    role: str
    branch_id: int
    branch_path: str
    token_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
