"""How a stored interception is shown: API values, times in the network's zone."""

import json
from datetime import UTC, datetime
from typing import Any

import msgspec

from core.home_zone import HOME_ZONE
from core.money import format_fen
from interceptions.masking import MaskedItem
from interceptions.schemas import InterceptionOut
from interceptions.tables import Interception

# Interceptions carry no zone of their own; the branch network works in China time.
DISPLAY_ZONE = HOME_ZONE

COLUMNS = Interception.all_columns()

# API field → table column name, for the fields a user can set.
EDITABLE = {
    "occurred_at": "occurred_at",
    "branch_id": "branch",
    "channel": "channel",
    "fraud_type": "fraud_type",
    "amount_saved": "amount_saved_fen",
    "victim_age_band": "victim_age_band",
    "description": "description",
    "event_id": "event",
    "attribution_note": "attribution_note",
    "police_case_no": "police_case_no",
    "status": "status",
    "review_note": "review_note",
}


def show_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(DISPLAY_ZONE).isoformat()


def _show(value: datetime) -> str:
    shown = show_time(value)
    assert shown is not None
    return shown


def masked_of(row: dict[str, Any]) -> list[MaskedItem]:
    raw = row["masked"]
    items = json.loads(raw) if isinstance(raw, str) else raw
    return msgspec.convert(items or [], list[MaskedItem])


def api_value(field: str, row: dict[str, Any]) -> Any:
    """The value of one API field as the API shows it (also what history records)."""
    value = row[EDITABLE[field]]
    if field == "amount_saved":
        return format_fen(int(value))
    if field == "occurred_at":
        return show_time(value)
    return value


def api_values(row: dict[str, Any]) -> dict[str, Any]:
    return {field: api_value(field, row) for field in EDITABLE}


def to_out(row: dict[str, Any]) -> InterceptionOut:
    return InterceptionOut(
        id=row["id"],
        client_ref=row["client_ref"],
        occurred_at=_show(row["occurred_at"]),
        branch_id=row["branch"],
        logged_by=row["logged_by"],
        channel=row["channel"],
        fraud_type=row["fraud_type"],
        amount_saved=format_fen(int(row["amount_saved_fen"])),
        currency=row["currency"],
        victim_age_band=row["victim_age_band"],
        description=row["description"],
        event_id=row["event"],
        attribution_note=row["attribution_note"],
        police_case_no=row["police_case_no"],
        status=row["status"],
        review_note=row["review_note"],
        reviewed_by=row["reviewed_by"],
        reviewed_at=show_time(row["reviewed_at"]),
        created_at=_show(row["created_at"]),
        updated_at=_show(row["updated_at"]),
        masked=masked_of(row),
    )
