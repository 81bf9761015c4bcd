"""Bulk import of interceptions from CSV: every row checked first, then all or none.

Rows whose client_ref is already stored (for instance a file imported twice)
are skipped and listed in the answer; a client_ref held by a record the caller
cannot see is an error on that row.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from accounts.tables import Branch
from core.clock import utcnow
from core.errors import Conflict
from core.transactions import write_transaction
from interceptions.csv_reading import decode, map_header, read_records
from interceptions.csv_rows import TEXT_LIMITS, Lookups, cell, check_row, is_id
from interceptions.history import change_row
from interceptions.logging_service import DUPLICATE, creation_changes
from interceptions.masking import mask_fields
from interceptions.rules import events_by_id
from interceptions.schemas import ImportResult, ImportRowError, ImportSkipped
from interceptions.tables import Interception, InterceptionChange

CHUNK = 500
_RACED = (
    "Some rows were logged by someone else while the file was checked; "
    "send the file again (rows already stored are then skipped)."
)


class ImportRejectedError(Exception):
    def __init__(self, errors: list[ImportRowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass
class Checked:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    skipped: list[ImportSkipped] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)


def _check_all(
    records: list[tuple[int, list[str]]], positions: dict[str, int], look: Lookups
) -> Checked:
    checked = Checked()
    for row_number, cells in records:
        values, problems = check_row(cells, positions, look)
        if problems:
            checked.errors.extend(
                ImportRowError(row=row_number, column=error.field, reason=error.reason)
                for error in problems
            )
            continue
        ref = values["client_ref"]
        if ref in look.seen:
            checked.errors.append(
                ImportRowError(
                    row=row_number,
                    column="client_ref",
                    reason=f"{ref[:40]!r} is already on row {look.seen[ref]} of this file",
                )
            )
            continue
        look.seen[ref] = row_number
        stored = look.existing.get(ref)
        if stored is None:
            checked.rows.append((row_number, values))
        elif look.visible is None or stored["branch"] in look.visible:
            checked.skipped.append(ImportSkipped(row=row_number, client_ref=ref, id=stored["id"]))
        else:
            checked.errors.append(
                ImportRowError(
                    row=row_number,
                    column="client_ref",
                    reason="is already used by another interception; choose another",
                )
            )
    return checked


async def _existing(refs: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(refs), CHUNK):
        rows = await Interception.select(
            Interception.id, Interception.client_ref, Interception.branch
        ).where(Interception.client_ref.is_in(refs[start : start + CHUNK]))
        found.update({row["client_ref"]: row for row in rows})
    return found


async def _lookups(
    caller: Caller, records: list[tuple[int, list[str]]], positions: dict[str, int]
) -> Lookups:
    event_ids = {
        int(text) for _, cells in records if is_id(text := cell(cells, positions, "event_id"))
    }
    refs = list({cell(cells, positions, "client_ref") for _, cells in records} - {""})
    branches = await Branch.select(Branch.id, Branch.code)
    return Lookups(
        caller=caller,
        visible=await visible_branch_ids(caller),
        branches={row["code"]: row["id"] for row in branches},
        events=await events_by_id(sorted(event_ids)),
        existing=await _existing(refs),
    )


def _masked_rows(
    rows: list[tuple[int, dict[str, Any]]], caller: Caller, now: datetime
) -> list[Interception]:
    prepared: list[Interception] = []
    for _, values in rows:
        texts, masked = mask_fields({name: values.pop(name) for name in TEXT_LIMITS})
        columns: dict[str, Any] = {
            **values,
            **texts,
            "logged_by": caller.id,
            "currency": "CNY",
            "status": "logged",
            "review_note": "",
            "masked": json.dumps([{"field": m.field, "kind": m.kind} for m in masked]),
            "created_at": now,
            "updated_at": now,
        }
        prepared.append(Interception(**columns))
    return prepared


async def _store(records: list[Interception], caller: Caller, now: datetime) -> None:
    async with write_transaction(Interception):
        refs = [record.client_ref for record in records]
        if await _existing(refs):
            raise Conflict(_RACED)
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            await Interception.insert(*chunk)
            stored = await Interception.select(*Interception.all_columns()).where(
                Interception.client_ref.is_in([r.client_ref for r in chunk])
            )
            await InterceptionChange.insert(
                *[
                    change_row(row["id"], caller.id, now, "create", creation_changes(row))
                    for row in stored
                ]
            )


async def import_csv(caller: Caller, raw: bytes, *, dry_run: bool) -> ImportResult:
    """Check every row; store them all (unless dry_run) or raise ImportRejectedError."""
    records = read_records(decode(raw))
    if not records:
        raise ImportRejectedError(
            [
                ImportRowError(
                    row=1, column="", reason="the file is empty; the first row is the header"
                )
            ]
        )
    (_, header), body = records[0], records[1:]
    positions, ignored = map_header(header)
    if not body:
        raise ImportRejectedError(
            [ImportRowError(row=2, column="", reason="the file has a header but no rows")]
        )
    checked = _check_all(body, positions, await _lookups(caller, body, positions))
    if checked.errors:
        titles = {name: header[index].strip().lstrip("\ufeff") for name, index in positions.items()}
        raise ImportRejectedError(
            [
                msgspec.structs.replace(e, column=titles.get(e.column, e.column), field=e.column)
                for e in checked.errors
            ]
        )
    if not dry_run and checked.rows:
        now = utcnow()
        try:
            await _store(_masked_rows(checked.rows, caller, now), caller, now)
        except DUPLICATE:
            # PostgreSQL: someone logged one of these client_refs after the check above.
            raise Conflict(_RACED) from None
    return ImportResult(
        dry_run=dry_run,
        rows=len(body),
        imported=0 if dry_run else len(checked.rows),
        skipped=checked.skipped,
        ignored_columns=ignored,
    )
