from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Branch(Table, tablename="branch"):
    """A node of the branch tree (分行 → 支行 → 网点)."""

    id = Serial(primary_key=True)
    code = Varchar(length=32, unique=True)
    name = Varchar(length=200)
    parent: ForeignKey["Branch"] = ForeignKey(
        "self", null=True, default=None, on_delete=OnDelete.restrict
    )
    # Materialised path of ids ("/1/4/9/"): a subtree is one LIKE query on every database.
    path = Varchar(length=400, index=True, index_method=IndexMethod.btree)
    languages = Text(default="[]")  # JSON list of language tags
    address = Text(default="")


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=200, default="")
    role = Varchar(length=16)  # admin | coordinator | staff
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    password_hash = Text(secret=True)
    active = Boolean(default=True)
    # The private calendar URL is a capability the user must be able to see again,
    # so it is stored as issued; rotating it replaces it.
    calendar_token = Varchar(length=64, unique=True)
    created_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token or web session; only its SHA-256 digest is stored."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    user: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    expires_at = Timestamptz()


class FeedVersion(Table, tablename="feed_version"):
    """One row (id 1) that every write a calendar feed can show moves.

    Bumped in the writer's own transaction (accounts/feed_version.py), so its
    row lock puts those writes in commit order and a reader that sees version
    N sees every write up to N; feed caches in every worker compare it.
    """

    id = Serial(primary_key=True)
    version = BigInt(default=0)
    # Unix seconds, one more than the previous at least: each version gets its
    # own Last-Modified second, so If-Modified-Since never hides a change.
    changed_at_unix = BigInt(default=0)
