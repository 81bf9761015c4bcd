"""Verifying or rejecting a logged interception (coordinators and admins).

Review is maker-checker: whoever logged an interception, or last edited what
it says, cannot also verify or reject it — admins included.
"""

import json
from typing import Any, Literal

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from core.clock import utcnow
from core.errors import Conflict, Forbidden
from core.transactions import write_transaction
from core.writer_loop import on_writer_loop
from interceptions.display import masked_of, to_out
from interceptions.history import record_change
from interceptions.masking import mask_text
from interceptions.queries import load_visible_row, row_by_id
from interceptions.schemas import InterceptionOut
from interceptions.tables import Interception, InterceptionChange

Verdict = Literal["verified", "rejected"]
_ACTION = {"verified": "verify", "rejected": "reject"}
# Changing only these is reviewing (an admin reopening a record), not editing it.
REVIEW_FIELDS = frozenset({"status", "review_note"})


def is_edit(changes: dict[str, Any]) -> bool:
    """Whether a change touches what the interception says, not only its review."""
    return bool(set(changes) - REVIEW_FIELDS)


async def last_editor(interception_id: int) -> int | None:
    """The user whose change last touched what the interception says, from its history."""
    rows = (
        await InterceptionChange.select(InterceptionChange.user, InterceptionChange.changes)
        .where(
            (InterceptionChange.interception == interception_id)
            & InterceptionChange.action.is_in(["create", "update"])
        )
        .order_by(InterceptionChange.id, ascending=False)
    )
    for row in rows:
        changes = row["changes"]
        if is_edit(json.loads(changes) if isinstance(changes, str) else changes):
            return int(row["user"])
    return None


async def require_second_person(caller: Caller, row: dict[str, Any]) -> None:
    """403 unless the reviewer is neither the maker nor the last editor of the record."""
    if row["logged_by"] == caller.id:
        raise Forbidden(
            detail="You logged this interception, so someone else must verify or reject it: "
            "review always takes a second person."
        )
    if await last_editor(row["id"]) == caller.id:
        raise Forbidden(
            detail="You last edited this interception, so someone else must verify or reject "
            "it: review always takes a second person."
        )


@on_writer_loop
async def review_interception(
    caller: Caller, interception_id: int, verdict: Verdict, note: str
) -> InterceptionOut:
    """Only a `logged` record can be reviewed; a second review is a 409, not a silent overwrite."""
    visible = await visible_branch_ids(caller)
    note, kinds = mask_text(note)
    async with write_transaction(Interception):
        row = await load_visible_row(interception_id, visible, for_update=True)
        if row["status"] != "logged":
            raise Conflict(
                "This interception is already {status}; only logged interceptions can be reviewed.",
                status=row["status"],
            )
        await require_second_person(caller, row)
        masked = [
            {"field": m.field, "kind": m.kind} for m in masked_of(row) if m.field != "review_note"
        ]
        masked.extend({"field": "review_note", "kind": kind} for kind in kinds)
        now = utcnow()
        await Interception.update(
            {
                Interception.status: verdict,
                Interception.review_note: note,
                Interception.reviewed_by: caller.id,
                Interception.reviewed_at: now,
                Interception.updated_at: now,
                Interception.masked: json.dumps(masked),
            }
        ).where(Interception.id == interception_id)
        changes: dict[str, list[object]] = {"status": [row["status"], verdict]}
        if note != row["review_note"]:
            changes["review_note"] = [row["review_note"], note]
        await record_change(interception_id, caller.id, now, _ACTION[verdict], changes)
    return to_out(await row_by_id(interception_id))
