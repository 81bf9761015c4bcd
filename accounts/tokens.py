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


async def caller_for_token(token: str) -> Caller | None:
    token_hash = digest(token)
    user = ApiToken.user
    row = await (
        ApiToken.select(
            user._.id,
            user._.username,
            user._.display_name,
            user._.role,
            user._.branch._.id,
            user._.branch._.path,
        )
        .where(
            (ApiToken.token_hash == token_hash)
            & (ApiToken.expires_at > datetime.now(UTC))
            & (user._.active.eq(True))
        )
        .first()
        .output(nested=True)
    )
    if row is None:
        return None
    found = row["user"]
    branch = found["branch"]
    return Caller(
        id=found["id"],
        username=found["username"],
        display_name=found["display_name"],
        role=found["role"],
        branch_id=branch["id"],
        branch_path=branch["path"],
        token_hash=token_hash,
    )


__all__ = ["Branch", "User", "caller_for_token", "digest", "issue_token", "revoke_token"]

SESSION_COOKIE = "fangzha_session"
