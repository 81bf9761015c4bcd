"""Checking one CSV row against the rules of an interception, with lookups done in bulk.

Error messages quote what a cell holds so that a coordinator finds it, but a
cell may hold a victim's number: every quoted value, and every reason, is
masked like the stored text is.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts.caller import Caller
from core.formula_guard import unguard
from interceptions.csv_columns import (
    AGE_BAND_LABELS,
    CHANNEL_LABELS,
    FRAUD_TYPE_LABELS,
    GUARDED_COLUMNS,
    code_for,
)
from interceptions.csv_reading import parse_time
from interceptions.masking import mask_text
from interceptions.rules import (
    RuleError,
    check_amount,
    check_client_ref,
    check_occurred_at,
    event_problem,
)

_ID = re.compile(r"[0-9]{1,10}")
TEXT_LIMITS = {"description": 4000, "attribution_note": 4000, "police_case_no": 100}


@dataclass
class Lookups:
    """What the row checks need from the database, fetched once per file."""

    caller: Caller
    visible: list[int] | None
    branches: dict[str, int]
    events: dict[int, dict[str, Any]]
    existing: dict[str, dict[str, Any]]
    seen: dict[str, int] = field(default_factory=dict)


def cell(cells: list[str], positions: dict[str, int], name: str) -> str:
    """The cell's text as stored: the export's formula guard undone; client_ref exactly as
    written (it is a key), other cells without surrounding blanks."""
    index = positions.get(name)
    text = cells[index] if index is not None and index < len(cells) else ""
    if name in GUARDED_COLUMNS:
        text = unguard(text)
    return text if name == "client_ref" else text.strip()


def quoted(value: str) -> str:
    """A cell's value as an error message quotes it: masked first, then cut short."""
    return repr(mask_text(value)[0][:40])


def _coded(value: str, labels: dict[str, str], name: str) -> str:
    code = code_for(value, labels)
    if code is None:
        raise RuleError(
            name, "{value} is not one of {choices}", value=quoted(value), choices=", ".join(labels)
        )
    return code


def is_id(text: str) -> bool:
    return bool(_ID.fullmatch(text)) and 1 <= int(text) < 2**31


def _event_id(text: str, occurred_at: Any, look: Lookups) -> int | None:
    if not text:
        return None
    if not is_id(text):
        raise RuleError("event_id", "{text} is not an event id", text=quoted(text))
    problem = event_problem(int(text), look.events.get(int(text)), occurred_at, look.visible)
    if problem:
        raise RuleError("event_id", problem)
    return int(text)


def _branch(code: str, look: Lookups) -> int:
    if not code:
        return look.caller.branch_id
    branch_id = look.branches.get(code)
    if branch_id is None:
        raise RuleError("branch_code", "there is no branch with code {code}", code=quoted(code))
    if look.visible is not None and branch_id not in look.visible:
        raise RuleError(
            "branch_code",
            "branch {code} is outside your branch and its sub-branches",
            code=quoted(code),
        )
    return branch_id


def _client_ref(text: str) -> str:
    if not text or len(text) > 100 or any(ord(c) < 32 for c in text):
        raise RuleError("client_ref", "needs 1–100 printable characters: the record's own key")
    return check_client_ref(text)


def _occurred_at(text: str) -> datetime:
    try:
        return check_occurred_at(parse_time(text))
    except RuleError:
        raise
    except (ValueError, OverflowError):
        raise RuleError(
            "occurred_at", "{text} is not a time like 2025-06-01 14:30", text=quoted(text)
        ) from None


def _amount(text: str) -> int:
    # A cell holding a personal number is never a valid amount, so checking its
    # masked form fails the same way, and the message quotes no raw number.
    masked, kinds = mask_text(text)
    return check_amount(masked if kinds else text)


def _text(name: str, text: str) -> str:
    if len(text) > TEXT_LIMITS[name]:
        raise RuleError(name, "is longer than {limit} characters", limit=TEXT_LIMITS[name])
    return text


def _masked(error: RuleError) -> RuleError:
    # The last line of defence for reasons built outside this module; a reason with
    # nothing to mask keeps its Message, so that it can be translated.
    masked, kinds = mask_text(error.reason)
    return RuleError(error.field, masked) if kinds else error


def check_row(
    cells: list[str], positions: dict[str, int], look: Lookups
) -> tuple[dict[str, Any], list[RuleError]]:
    """The row as table values, and every problem found in it (one per column)."""

    def get(name: str) -> str:
        return cell(cells, positions, name)

    values: dict[str, Any] = {}
    problems: list[RuleError] = []
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("client_ref", lambda: _client_ref(get("client_ref"))),
        ("occurred_at", lambda: _occurred_at(get("occurred_at"))),
        ("branch", lambda: _branch(get("branch_code"), look)),
        ("channel", lambda: _coded(get("channel"), CHANNEL_LABELS, "channel")),
        ("fraud_type", lambda: _coded(get("fraud_type"), FRAUD_TYPE_LABELS, "fraud_type")),
        ("amount_saved_fen", lambda: _amount(get("amount_saved"))),
        (
            "victim_age_band",
            lambda: _coded(get("victim_age_band") or "unknown", AGE_BAND_LABELS, "victim_age_band"),
        ),
        *[(name, lambda name=name: _text(name, get(name))) for name in TEXT_LIMITS],
    ]
    for column, check in checks:
        try:
            values[column] = check()
        except RuleError as error:
            problems.append(_masked(error))
    if "occurred_at" in values:
        try:
            values["event"] = _event_id(get("event_id"), values["occurred_at"], look)
        except RuleError as error:
            problems.append(_masked(error))
    return values, problems
