from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

from accounts.calendar_tokens import new_calendar_seed, unissued_calendar_token_hash


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
    # The outlet's phone, shown on public event pages and posters.
    phone = Varchar(length=40, default="")
    # A line the branch writes for its poster (e.g. in Lisu); free text, never machine-translated.
    poster_note = Text(default="")


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=200, default="")
    role = Varchar(length=16)  # admin | coordinator | staff
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    password_hash = Text(secret=True)
    active = Boolean(default=True)
    # The private calendar address is a capability the user must be able to see again,
    # yet the database alone must not yield it: its token is a MAC of this seed under
    # the server's secret key (accounts/calendar_tokens.py), and only the token's
    # digest is kept, for looking the feed up.
    calendar_seed = Varchar(length=64, secret=True, default=new_calendar_seed)
    calendar_token_hash = Varchar(
        length=64, unique=True, secret=True, default=unissued_calendar_token_hash
    )
    created_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    """A bearer token or web session; only its SHA-256 digest is stored."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    user: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    expires_at = Timestamptz()


class LoginThrottle(Table, tablename="login_throttle"):
    """Sign-in attempts in the current window, per (username, address) or per address."""

    # A digest of what is counted: the table holds no usernames or addresses.
    key = Varchar(length=64, primary_key=True)
    attempts = Integer(default=0)
    # Unix seconds: compares the same on every database.
    window_start = BigInt(default=0)


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
