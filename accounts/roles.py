from enum import StrEnum
from typing import Literal

RoleName = Literal["admin", "coordinator", "staff"]


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    STAFF = "staff"


_RANK = {Role.STAFF: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}


def at_least(role: str, needed: Role) -> bool:
    """Roles are ordered: an admin may do what a coordinator may, and so on."""
    return _RANK.get(Role(role), 0) >= _RANK[needed]
