"""Bearer tokens and web sessions: random secrets of which only a digest is kept."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from accounts.caller import Caller
from accounts.tables import ApiToken, Branch, User

TOKEN_LIFETIME = timedelta(days=30)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    # Expired sessions are useless; dropping them at sign-in keeps the table small.
    await ApiToken.delete().where((ApiToken.user == user_id) & (ApiToken.expires_at <= now))
    await ApiToken.insert(
        ApiToken(
            token_hash=digest(token),
            user=user_id,
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    return token


async def revoke_token(token_hash: str) -> None:
    await ApiToken.delete().where(ApiToken.token_hash == token_hash)


# Every signed-in request runs this; written out, because building it with Piccolo's
# joins took about 1 ms of each request (a third of a bare request's time). The
# subtree's ids come along as one text ("3,17,18"): SQLite has no arrays.
_CALLER = (
    "SELECT u.id, u.username, u.display_name, u.role, b.id AS branch_id, b.path, "
    "(SELECT {ids} FROM branch AS s WHERE s.path LIKE b.path || '%') AS subtree "
    'FROM api_token AS t JOIN app_user AS u ON u.id = t."user" '
    "LEFT JOIN branch AS b ON b.id = u.branch "
    "WHERE t.token_hash = {{}} AND t.expires_at > {{}} AND u.active = {{}} LIMIT 1"
)
_IDS = {"postgres": "string_agg(CAST(s.id AS TEXT), ',')", "sqlite": "group_concat(s.id)"}


async def caller_for_token(token: str) -> Caller | None:
    token_hash = digest(token)
    sql = _CALLER.format(ids=_IDS[ApiToken._meta.db.engine_type])
    rows = await ApiToken.raw(sql, token_hash, datetime.now(UTC), True)
    if not rows:
        return None
    found = rows[0]
    return Caller(
        id=found["id"],
        username=found["username"],
        display_name=found["display_name"],
        role=found["role"],
        branch_id=found["branch_id"],
        branch_path=found["path"],
        token_hash=token_hash,
        subtree=tuple(int(i) for i in (found["subtree"] or "").split(",") if i),
    )


__all__ = ["Branch", "User", "caller_for_token", "digest", "issue_token", "revoke_token"]

SESSION_COOKIE = "fangzha_session"
