"""Verifying or rejecting a logged interception (coordinators and admins)."""

import json
from typing import Literal

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from core.clock import utcnow
from core.errors import Conflict
from core.transactions import write_transaction
from interceptions.history import record_change
from interceptions.masking import mask_text
from interceptions.queries import load_visible_row, row_by_id
from interceptions.schemas import InterceptionOut
from interceptions.tables import Interception
from interceptions.views import masked_of, to_out

Verdict = Literal["verified", "rejected"]
_ACTION = {"verified": "verify", "rejected": "reject"}


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
                f"This interception is already {row['status']}; "
                "only logged interceptions can be reviewed."
            )
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
