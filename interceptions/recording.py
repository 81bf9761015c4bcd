"""Recording a new interception: validated, masked, idempotent by client_ref, audited."""

import json
import sqlite3
from typing import Any

import asyncpg

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from core.clock import utcnow
from core.errors import Conflict, Unprocessable
from core.transactions import write_transaction
from core.writer_loop import on_writer_loop
from interceptions.display import api_values, to_out
from interceptions.history import record_change
from interceptions.masking import mask_fields
from interceptions.queries import row_by_client_ref, row_by_id
from interceptions.rules import (
    RuleError,
    check_amount,
    check_client_ref,
    check_event,
    check_occurred_at,
    resolve_branch,
    unprocessable,
)
from interceptions.schemas import InterceptionCreate, InterceptionOut
from interceptions.tables import Interception

DUPLICATE = (asyncpg.exceptions.UniqueViolationError, sqlite3.IntegrityError)


def creation_changes(row: dict[str, Any]) -> dict[str, list[Any]]:
    """History of a create: every field from nothing to its first value."""
    changes: dict[str, list[Any]] = {"client_ref": [None, row["client_ref"]]}
    changes.update({field: [None, value] for field, value in api_values(row).items()})
    return changes


def _replay(row: dict[str, Any], visible: list[int] | None) -> InterceptionOut:
    if visible is not None and row["branch"] not in visible:
        # Someone else's record: say the key is taken, but nothing about that record.
        raise Conflict("This client_ref is already used by another interception; choose another.")
    return to_out(row)


@on_writer_loop
async def create_interception(
    caller: Caller, data: InterceptionCreate
) -> tuple[InterceptionOut, bool]:
    """The new record and True, or the first record with this client_ref and False."""
    try:
        check_client_ref(data.client_ref)
    except RuleError as error:
        raise Unprocessable(error.message) from None
    visible = await visible_branch_ids(caller)
    existing = await row_by_client_ref(data.client_ref)
    if existing is not None:
        return _replay(existing, visible), False
    try:
        amount_fen = check_amount(data.amount_saved)
        occurred_at = check_occurred_at(data.occurred_at)
    except RuleError as error:
        raise unprocessable(error) from None
    branch_id = await resolve_branch(caller, data.branch_id, visible)
    if data.event_id is not None:
        await check_event(data.event_id, occurred_at, visible)
    texts, masked = mask_fields(
        {
            "description": data.description,
            "attribution_note": data.attribution_note,
            "police_case_no": data.police_case_no,
        }
    )
    now = utcnow()
    record = Interception(
        client_ref=data.client_ref,
        occurred_at=occurred_at,
        branch=branch_id,
        logged_by=caller.id,
        channel=data.channel,
        fraud_type=data.fraud_type,
        amount_saved_fen=amount_fen,
        currency=data.currency,
        victim_age_band=data.victim_age_band,
        event=data.event_id,
        status="logged",
        review_note="",
        masked=json.dumps([{"field": m.field, "kind": m.kind} for m in masked]),
        created_at=now,
        updated_at=now,
        description=texts["description"],
        attribution_note=texts["attribution_note"],
        police_case_no=texts["police_case_no"],
    )
    new_id: int | None = None
    try:
        async with write_transaction(Interception):
            existing = await row_by_client_ref(data.client_ref)
            if existing is None:
                rows = await Interception.insert(record).returning(Interception.id)
                new_id = rows[0]["id"]
                stored = await row_by_id(new_id)
                await record_change(new_id, caller.id, now, "create", creation_changes(stored))
    except DUPLICATE:
        # PostgreSQL: a concurrent retry committed the same client_ref first.
        existing = await row_by_client_ref(data.client_ref)
        if existing is None:
            raise
    if existing is not None:
        return _replay(existing, visible), False
    assert new_id is not None
    return to_out(await row_by_id(new_id)), True
