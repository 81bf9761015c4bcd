"""Changing a logged interception: who may, what is re-checked, what the history keeps."""

import json
from typing import Any

import msgspec

from accounts.caller import Caller
from accounts.roles import Role
from accounts.scoping import visible_branch_ids
from core.clock import utcnow
from core.errors import Forbidden
from core.transactions import write_transaction
from core.writer_loop import on_writer_loop
from interceptions.display import EDITABLE, api_value, masked_of, to_out
from interceptions.history import record_change
from interceptions.masking import mask_fields
from interceptions.queries import load_visible_row, row_by_id
from interceptions.review import is_edit, require_second_person
from interceptions.rules import (
    RuleError,
    check_amount,
    check_event,
    check_occurred_at,
    resolve_branch,
    unprocessable,
)
from interceptions.schemas import InterceptionOut, InterceptionUpdate
from interceptions.tables import Interception

_PLAIN = ("channel", "fraud_type", "victim_age_band")
_TEXTS = ("description", "attribution_note", "police_case_no", "review_note")


def authorise_edit(caller: Caller, row: dict[str, Any], data: InterceptionUpdate) -> None:
    if caller.is_admin:
        return
    if data.status is not msgspec.UNSET or data.review_note is not msgspec.UNSET:
        raise Forbidden("Only an admin can change a review; coordinators use verify or reject.")
    if row["status"] != "logged":
        raise Forbidden(
            "This interception is {status}; only an admin can change it now.",
            status=row["status"],
        )
    if caller.role == Role.STAFF and row["logged_by"] != caller.id:
        raise Forbidden(detail="Staff may edit only the interceptions they logged themselves.")


def _given(data: InterceptionUpdate, field: str) -> bool:
    return getattr(data, field) is not msgspec.UNSET


async def _new_values(
    caller: Caller, row: dict[str, Any], data: InterceptionUpdate, visible: list[int] | None
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The row as it would be after the change (column names), and its masking record."""
    new = dict(row)
    try:
        if not isinstance(data.amount_saved, msgspec.UnsetType):
            new["amount_saved_fen"] = check_amount(data.amount_saved)
        if not isinstance(data.occurred_at, msgspec.UnsetType):
            new["occurred_at"] = check_occurred_at(data.occurred_at)
    except RuleError as error:
        raise unprocessable(error) from None
    if isinstance(data.branch_id, int):
        new["branch"] = await resolve_branch(caller, data.branch_id, visible)
    for field in _PLAIN:
        if _given(data, field):
            new[field] = getattr(data, field)
    if isinstance(data.status, str):
        new["status"] = data.status
    masked = [{"field": m.field, "kind": m.kind} for m in masked_of(row)]
    texts = {f: getattr(data, f) for f in _TEXTS if _given(data, f)}
    if texts:
        cleaned, found = mask_fields(texts)
        new.update(cleaned)
        masked = [m for m in masked if m["field"] not in texts]
        masked.extend({"field": m.field, "kind": m.kind} for m in found)
    if _given(data, "event_id"):
        new["event"] = data.event_id
        if isinstance(data.event_id, int):
            await check_event(data.event_id, new["occurred_at"], visible)
    elif new["event"] is not None and new["occurred_at"] != row["occurred_at"]:
        # The credited event stays; it must still have started before the new time.
        await check_event(new["event"], new["occurred_at"], visible, check_visible=False)
    return new, masked


@on_writer_loop
async def update_interception(
    caller: Caller, interception_id: int, data: InterceptionUpdate
) -> InterceptionOut:
    """Apply the change and record it; a change that changes nothing records nothing."""
    visible = await visible_branch_ids(caller)
    async with write_transaction(Interception):
        row = await load_visible_row(interception_id, visible, for_update=True)
        authorise_edit(caller, row, data)
        new, masked = await _new_values(caller, row, data, visible)
        changes = {
            field: [api_value(field, row), api_value(field, new)]
            for field in EDITABLE
            if api_value(field, row) != api_value(field, new)
        }
        if not changes:
            return to_out(row)
        if new["status"] in ("verified", "rejected") and "status" in changes:
            # A review by PATCH is still a review: a second person, and not one who edits now.
            if is_edit(changes):
                raise Forbidden(
                    detail="Edit the interception and review it in two steps: someone other "
                    "than its last editor must verify or reject it."
                )
            await require_second_person(caller, row)
        now = utcnow()
        values: dict[Any, Any] = {
            getattr(Interception, column): new[column]
            for field, column in EDITABLE.items()
            if field in changes
        }
        values[Interception.masked] = json.dumps(masked)
        values[Interception.updated_at] = now
        if "status" in changes:
            reviewed = new["status"] != "logged"
            values[Interception.reviewed_by] = caller.id if reviewed else None
            values[Interception.reviewed_at] = now if reviewed else None
        await Interception.update(values).where(Interception.id == interception_id)
        await record_change(interception_id, caller.id, now, "update", changes)
    return to_out(await row_by_id(interception_id))
