from typing import Annotated

import msgspec

from accounts.roles import RoleName
from core.pagination import Page, schema_name

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
# PostgreSQL text cannot hold NUL; refusing it here gives a 400 instead of a driver error.
_NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_NO_NUL)]
LanguageTag = Annotated[
    str, msgspec.Meta(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
]
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Password = Annotated[
    str,
    msgspec.Meta(
        min_length=10,
        max_length=256,
        description="At least 10 characters, not only spaces; never returned.",
    ),
]
Text = Annotated[str, msgspec.Meta(max_length=2000, pattern=_NO_NUL)]
# A telephone number as people write it: digits, spaces, dashes, parentheses, a leading +.
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9 ()+-]*$")]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class BranchOut(msgspec.Struct):
    id: int
    code: str
    name: str
    parent_id: int | None
    languages: list[str]
    address: str
    phone: str = ""
    poster_note: str = ""


class BranchCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    parent_id: Id | None = None
    languages: Annotated[list[LanguageTag], msgspec.Meta(max_length=20)] = []
    address: Text = ""
    phone: Phone = ""
    poster_note: Text = ""


class BranchUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    # null is accepted so that the answer can explain why a branch cannot leave the tree.
    parent_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    languages: Annotated[list[LanguageTag], msgspec.Meta(max_length=20)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    address: Text | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    poster_note: Text | msgspec.UnsetType = msgspec.UNSET


BranchPage = Annotated[Page[BranchOut], schema_name("BranchPage")]


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    branch_id: int
    active: bool


class MeOut(UserOut):
    private_calendar_url: str


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    role: RoleName
    branch_id: Id
    display_name: Name | None = None
    active: bool = True


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    display_name: Name | msgspec.UnsetType = msgspec.UNSET
    role: RoleName | msgspec.UnsetType = msgspec.UNSET
    branch_id: Id | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET


UserPage = Annotated[Page[UserOut], schema_name("UserPage")]


class LoginIn(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(max_length=200, pattern=_NO_NUL)]
    password: Annotated[str, msgspec.Meta(max_length=1000)]


class LoginOut(msgspec.Struct):
    token: str
    user: UserOut


class CalendarTokenOut(msgspec.Struct):
    private_calendar_url: str
