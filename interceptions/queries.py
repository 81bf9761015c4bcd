"""Reading interceptions, always within the caller's branch subtree."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids, within
from core.errors import NotFound
from interceptions.display import COLUMNS, to_out
from interceptions.schemas import InterceptionOut
from interceptions.tables import Interception


async def load_row(caller: Caller, interception_id: int) -> dict[str, Any]:
    """The stored row if the caller may see it; 404 otherwise (never says which)."""
    return await load_visible_row(interception_id, await visible_branch_ids(caller))


async def load_visible_row(
    interception_id: int, visible: list[int] | None, *, for_update: bool = False
) -> dict[str, Any]:
    """The stored row if it lies in `visible` branches (None: all); else 404."""
    query = Interception.select(*COLUMNS).where(Interception.id == interception_id)
    clause = within(Interception.branch, visible)
    if clause is not None:
        query = query.where(clause)
    # SQLite serialises writers with an immediate transaction; PostgreSQL needs the row lock.
    if for_update and isinstance(Interception._meta.db, PostgresEngine):
        query = query.lock_rows()
    row = await query.first()
    if row is None:
        raise NotFound("Interception", interception_id)
    return row


async def get_interception(caller: Caller, interception_id: int) -> InterceptionOut:
    return to_out(await load_row(caller, interception_id))


async def row_by_id(interception_id: int) -> dict[str, Any]:
    row = await Interception.select(*COLUMNS).where(Interception.id == interception_id).first()
    if row is None:
        raise NotFound("Interception", interception_id)
    return row


async def row_by_client_ref(client_ref: str) -> dict[str, Any] | None:
    return await Interception.select(*COLUMNS).where(Interception.client_ref == client_ref).first()


@dataclass(frozen=True)
class Filters:
    """List filters; `end` is exclusive, `branch_ids` None means no branch filter."""

    start: datetime | None = None
    end: datetime | None = None
    branch_ids: list[int] | None = None
    fraud_type: str | None = None
    status: str | None = None
    event_id: int | None = None

    def clauses(self) -> list[Any]:
        found: list[Any] = []
        if self.start is not None:
            found.append(Interception.occurred_at >= self.start)
        if self.end is not None:
            found.append(Interception.occurred_at < self.end)
        branch = within(Interception.branch, self.branch_ids)
        if branch is not None:
            found.append(branch)
        if self.fraud_type is not None:
            found.append(Interception.fraud_type == self.fraud_type)
        if self.status is not None:
            found.append(Interception.status == self.status)
        if self.event_id is not None:
            found.append(Interception.event == self.event_id)
        return found


async def list_interceptions(
    caller: Caller, filters: Filters, limit: int, offset: int
) -> tuple[list[InterceptionOut], int]:
    clauses = filters.clauses()
    scope = within(Interception.branch, await visible_branch_ids(caller))
    if scope is not None:
        clauses.append(scope)
    query = (
        Interception.select(*COLUMNS)
        .order_by(Interception.occurred_at, ascending=False)
        .order_by(Interception.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    count = Interception.count()
    if clauses:
        query = query.where(*clauses)
        count = count.where(*clauses)
    return [to_out(row) for row in await query], await count
