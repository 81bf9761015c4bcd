"""Request and response shapes of the interceptions API."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import KwargDefinition

from core.changes import Changes
from core.pagination import Page, schema_name
from interceptions.masking import MaskedItem

Channel = Literal[
    "counter", "phone_callback", "atm", "mobile_banking", "home_visit", "police_referral", "other"
]
FraudType = Literal[
    "order_brushing",
    "fake_investment",
    "fake_loan",
    "fake_customer_service",
    "impersonating_authorities",
    "impersonating_acquaintance",
    "fake_credit_repair",
    "romance_scam",
    "game_trading",
    "fake_shopping",
    "other",
]
AgeBand = Literal["under_18", "18_34", "35_59", "60_plus", "unknown"]
Status = Literal["logged", "verified", "rejected"]

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
# NUL cannot be stored in PostgreSQL text; refuse it at the door.
_NO_NUL = r"\A[^\x00]*\Z"
Text = Annotated[str, msgspec.Meta(max_length=4000, pattern=_NO_NUL)]
CaseNo = Annotated[str, msgspec.Meta(max_length=100, pattern=_NO_NUL)]
ClientRef = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        pattern=r"\A[^\x00-\x1f\x7f]+\Z",
        description="Caller-chosen idempotency key; re-sending it returns the first record",
    ),
]
Instant = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="ISO 8601 with offset, e.g. 2025-06-01T14:30:00+08:00"),
]
# A string on the wire; numbers are accepted by the decoder only so that the
# service can refuse them with a 422 that says why.
_AMOUNT_DOC = KwargDefinition(
    description='Yuan as a decimal string, at most 2 decimals, e.g. "86000.00"',
    schema_extra={"oneOf": None, "type": "string"},
)
Amount = Annotated[str | float, _AMOUNT_DOC]
# Its own alias: the documentation marker cannot sit inside a `|` union.
AmountChange = Annotated[str | float | msgspec.UnsetType, _AMOUNT_DOC]


class InterceptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    client_ref: ClientRef
    occurred_at: Instant
    channel: Channel
    fraud_type: FraudType
    amount_saved: Amount
    branch_id: Id | None = None
    currency: Literal["CNY"] = "CNY"
    victim_age_band: AgeBand = "unknown"
    description: Text = ""
    event_id: Id | None = None
    attribution_note: Text = ""
    police_case_no: CaseNo = ""


class InterceptionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    occurred_at: Instant | msgspec.UnsetType = msgspec.UNSET
    branch_id: Id | msgspec.UnsetType = msgspec.UNSET
    channel: Channel | msgspec.UnsetType = msgspec.UNSET
    fraud_type: FraudType | msgspec.UnsetType = msgspec.UNSET
    amount_saved: AmountChange = msgspec.UNSET
    victim_age_band: AgeBand | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    event_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    attribution_note: Text | msgspec.UnsetType = msgspec.UNSET
    police_case_no: CaseNo | msgspec.UnsetType = msgspec.UNSET
    # Admins only: reopen or overturn a review.
    status: Status | msgspec.UnsetType = msgspec.UNSET
    review_note: Text | msgspec.UnsetType = msgspec.UNSET


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Text = ""


class InterceptionOut(msgspec.Struct):
    id: int
    client_ref: str
    occurred_at: str
    branch_id: int
    logged_by: int
    channel: str
    fraud_type: str
    amount_saved: str
    currency: str
    victim_age_band: str
    description: str
    event_id: int | None
    attribution_note: str
    police_case_no: str
    status: str
    review_note: str
    reviewed_by: int | None
    reviewed_at: str | None
    created_at: str
    updated_at: str
    masked: list[MaskedItem]


InterceptionPage = Annotated[Page[InterceptionOut], schema_name("InterceptionPage")]


class InterceptionHistoryItem(msgspec.Struct):
    at: str
    user: str
    user_id: int
    action: str
    changes: Changes


InterceptionHistoryPage = Annotated[
    Page[InterceptionHistoryItem], schema_name("InterceptionHistoryPage")
]


class InterceptionRowError(msgspec.Struct, dict=True):
    """One problem of one row; `message` (not sent) is its reason's Message, for translation."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # the header cell as written in the file
    reason: str
    field: str = ""  # the API field name of that column


class InterceptionImportRejection(msgspec.Struct):
    status_code: int
    detail: str
    # Empty when the file as a whole is unusable (not text, no header).
    errors: list[InterceptionRowError] = []


class SkippedInterception(msgspec.Struct):
    row: int
    client_ref: str
    id: int


class InterceptionImportResult(msgspec.Struct):
    dry_run: bool
    rows: int
    imported: int
    skipped: list[SkippedInterception]
    ignored_columns: list[str]
