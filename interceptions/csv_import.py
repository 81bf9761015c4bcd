"""Bulk import of interceptions from CSV: every row checked first, then all or none.

The file is read and checked a chunk at a time in a worker thread, so the event
loop stays free and memory holds one chunk; the checked (and masked) rows wait
in a temporary file. Only then does one short write transaction store them
all (interceptions/import_writing.py). Rows whose client_ref is already stored
(for instance a file imported twice, or an export imported back) are skipped
and listed in the answer without further checks, as re-sending a create
returns the first record; a client_ref held by a record the caller cannot see
is an error on that row. A client_ref may appear once in a file.
"""

import json
import pickle
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

import anyio.to_thread
import msgspec

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from accounts.tables import Branch
from core.clock import utcnow
from core.errors import Message, message_of, with_message
from interceptions.csv_reading import RecordReader, detect_encoding, map_header
from interceptions.csv_rows import TEXT_LIMITS, Lookups, cell, check_row, is_id
from interceptions.import_rows import NEW_ROW_COLUMNS, PreparedRow
from interceptions.import_writing import store_prepared
from interceptions.masking import mask_fields
from interceptions.recording import creation_changes
from interceptions.rules import events_by_id
from interceptions.schemas import (
    InterceptionImportResult,
    InterceptionRowError,
    SkippedInterception,
)
from interceptions.tables import Interception

CHUNK = 5_000
# Rows of errors an answer lists; the detail still counts every row with a problem.
MAX_LISTED_ERRORS = 1_000
_QUERY_CHUNK = 500


class ImportRejectedError(Exception):
    def __init__(
        self, errors: list[InterceptionRowError], rows_with_problems: int | None = None
    ) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors
        self.rows_with_problems = (
            len({error.row for error in errors})
            if rows_with_problems is None
            else rows_with_problems
        )


@dataclass
class Checked:
    """What checking the file found so far; new rows wait in `spool`, a chunk per pickle."""

    spool: Any
    rows: int = 0
    new_rows: int = 0
    skipped: list[SkippedInterception] = field(default_factory=list)
    errors: list[InterceptionRowError] = field(default_factory=list)
    rows_with_problems: int = 0

    def refuse(self, problems: list[InterceptionRowError]) -> None:
        self.rows_with_problems += 1
        room = MAX_LISTED_ERRORS - len(self.errors)
        self.errors.extend(problems[: max(room, 0)])


def _problem(row: int, column: str, message: Message) -> InterceptionRowError:
    return with_message(InterceptionRowError(row=row, column=column, reason=str(message)), message)


def _prepare(values: dict[str, Any], caller: Caller, now: datetime) -> PreparedRow:
    """The row as stored (personal numbers masked) and its history entry."""
    texts, masked = mask_fields({name: values.pop(name) for name in TEXT_LIMITS})
    columns: dict[str, Any] = {**values, **texts}
    record = Interception(
        **columns,
        logged_by=caller.id,
        currency="CNY",
        status="logged",
        review_note="",
        masked=json.dumps([{"field": m.field, "kind": m.kind} for m in masked]),
        created_at=now,
        updated_at=now,
    )
    row = {column._meta.name: getattr(record, column._meta.name) for column in NEW_ROW_COLUMNS}
    changes = json.dumps(creation_changes(row), ensure_ascii=False)
    return PreparedRow(values=tuple(row.values()), client_ref=record.client_ref, changes=changes)


def _check_chunk(
    records: list[tuple[int, list[str]]],
    positions: dict[str, int],
    look: Lookups,
    checked: Checked,
    now: datetime,
) -> None:
    """Runs in a worker thread: pure checks on rows, lookups already made."""
    prepared: list[PreparedRow] = []
    for row_number, cells in records:
        checked.rows += 1
        ref = cell(cells, positions, "client_ref")
        if ref in look.seen:
            checked.refuse(
                [
                    _problem(
                        row_number,
                        "client_ref",
                        Message(
                            "{ref} is already on row {row} of this file",
                            ref=repr(ref[:40]),
                            row=look.seen[ref],
                        ),
                    )
                ]
            )
            continue
        stored = look.existing.get(ref)
        if stored is not None:
            look.seen[ref] = row_number
            if look.visible is None or stored["branch"] in look.visible:
                checked.skipped.append(
                    SkippedInterception(row=row_number, client_ref=ref, id=stored["id"])
                )
            else:
                checked.refuse(
                    [
                        _problem(
                            row_number,
                            "client_ref",
                            Message("is already used by another interception; choose another"),
                        )
                    ]
                )
            continue
        values, problems = check_row(cells, positions, look)
        if problems:
            checked.refuse([_problem(row_number, error.field, error.message) for error in problems])
            continue
        look.seen[ref] = row_number
        if not checked.errors:
            # Once a row is refused nothing will be stored: stop preparing rows.
            prepared.append(_prepare(values, look.caller, now))
    if prepared:
        pickle.dump(prepared, checked.spool)
        checked.new_rows += len(prepared)


async def _existing(refs: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(refs), _QUERY_CHUNK):
        rows = await Interception.select(
            Interception.id, Interception.client_ref, Interception.branch
        ).where(Interception.client_ref.is_in(refs[start : start + _QUERY_CHUNK]))
        found.update({row["client_ref"]: row for row in rows})
    return found


async def _look_up(
    look: Lookups, records: list[tuple[int, list[str]]], positions: dict[str, int]
) -> None:
    """The database rows this chunk's checks need: stored client_refs and events."""
    refs = list({cell(cells, positions, "client_ref") for _, cells in records} - {""})
    look.existing = await _existing(refs)
    wanted = {
        int(text) for _, cells in records if is_id(text := cell(cells, positions, "event_id"))
    }
    missing = sorted(wanted - look.events.keys())
    look.events.update(await events_by_id(missing))


def _rejection(checked: Checked, header: list[str], positions: dict[str, int]) -> Exception:
    titles = {name: header[index].strip().lstrip("\ufeff") for name, index in positions.items()}
    return ImportRejectedError(
        [
            with_message(
                msgspec.structs.replace(e, column=titles.get(e.column, e.column), field=e.column),
                message_of(getattr(e, "message", e.reason)),
            )
            for e in checked.errors
        ],
        checked.rows_with_problems,
    )


async def import_csv(caller: Caller, file: BinaryIO, *, dry_run: bool) -> InterceptionImportResult:
    """Check every row; store them all (unless dry_run) or raise ImportRejectedError."""
    encoding = await anyio.to_thread.run_sync(detect_encoding, file)
    reader = RecordReader(file, encoding)
    first = await anyio.to_thread.run_sync(reader.take, 1)
    if not first:
        raise ImportRejectedError(
            [_problem(1, "", Message("the file is empty; the first row is the header"))]
        )
    header = first[0][1]
    positions, ignored = map_header(header)
    branches = await Branch.select(Branch.id, Branch.code)
    look = Lookups(
        caller=caller,
        visible=await visible_branch_ids(caller),
        branches={row["code"]: row["id"] for row in branches},
        events={},
        existing={},
    )
    now = utcnow()
    with tempfile.TemporaryFile(prefix="fangzha-import-") as spool:
        checked = Checked(spool=spool)
        while records := await anyio.to_thread.run_sync(reader.take, CHUNK):
            await _look_up(look, records, positions)
            await anyio.to_thread.run_sync(_check_chunk, records, positions, look, checked, now)
        if checked.rows == 0:
            raise ImportRejectedError(
                [_problem(2, "", Message("the file has a header but no rows"))]
            )
        if checked.errors:
            raise _rejection(checked, header, positions)
        if not dry_run and checked.new_rows:
            spool.seek(0)
            await store_prepared(spool, caller.id, now)
    return InterceptionImportResult(
        dry_run=dry_run,
        rows=checked.rows,
        imported=0 if dry_run else checked.new_rows,
        skipped=checked.skipped,
        ignored_columns=ignored,
    )
