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
    # The ids of the caller's branch and its descendants, read with the sign-in: every
    # scoped query needs them, and a query of their own was a round trip per request.
    subtree: tuple[int, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
