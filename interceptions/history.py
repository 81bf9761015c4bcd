"""The append-only audit trail of every interception."""

import json
from datetime import datetime
from typing import Any

from accounts.caller import Caller
from interceptions.display import show_time
from interceptions.queries import load_row
from interceptions.schemas import InterceptionHistoryItem
from interceptions.tables import InterceptionChange


def change_row(
    interception_id: int, user_id: int, at: datetime, action: str, changes: dict[str, list[Any]]
) -> InterceptionChange:
    return InterceptionChange(
        interception=interception_id,
        at=at,
        user=user_id,
        action=action,
        changes=json.dumps(changes, ensure_ascii=False),
    )


async def record_change(
    interception_id: int, user_id: int, at: datetime, action: str, changes: dict[str, list[Any]]
) -> None:
    """Must run inside the transaction that made the change: no change without its record."""
    await InterceptionChange.insert(change_row(interception_id, user_id, at, action, changes))


async def history_of(
    caller: Caller, interception_id: int, limit: int, offset: int
) -> tuple[list[InterceptionHistoryItem], int]:
    await load_row(caller, interception_id)
    mine = InterceptionChange.interception == interception_id
    rows = (
        await InterceptionChange.select(
            InterceptionChange.at,
            InterceptionChange.user,
            InterceptionChange.user._.username,
            InterceptionChange.action,
            InterceptionChange.changes,
        )
        .where(mine)
        .order_by(InterceptionChange.id)
        .limit(limit)
        .offset(offset)
    )
    items = [
        InterceptionHistoryItem(
            at=show_time(row["at"]) or "",
            user=row["user.username"],
            user_id=row["user"],
            action=row["action"],
            changes=json.loads(row["changes"])
            if isinstance(row["changes"], str)
            else row["changes"],
        )
        for row in rows
    ]
    return items, await InterceptionChange.count().where(mine)
