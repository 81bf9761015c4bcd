from piccolo.columns import (
    JSON,
    BigInt,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from accounts.tables import Branch, User
from events.tables import Event


class Interception(Table, tablename="interception"):
    id = Serial(primary_key=True)
    client_ref = Varchar(length=100, unique=True)
    occurred_at = Timestamptz(index=True)
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    logged_by: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.restrict)
    channel = Varchar(length=32)
    fraud_type = Varchar(length=40)
    # Money in fen: integers sum exactly in every database.
    amount_saved_fen = BigInt()
    currency = Varchar(length=3, default="CNY")
    victim_age_band = Varchar(length=16, default="unknown")
    description = Text(default="")
    event: ForeignKey[Event] = ForeignKey(
        Event, null=True, default=None, on_delete=OnDelete.set_null
    )
    attribution_note = Text(default="")
    police_case_no = Varchar(length=100, default="")
    status = Varchar(length=16, default="logged", index=True)
    review_note = Text(default="")
    reviewed_by: ForeignKey[User] = ForeignKey(
        User, null=True, default=None, on_delete=OnDelete.restrict
    )
    reviewed_at = Timestamptz(null=True, default=None)
    masked = JSON(default="[]")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class InterceptionChange(Table, tablename="interception_change"):
    """Append-only audit trail; rows are only ever inserted."""

    id = Serial(primary_key=True)
    interception: ForeignKey[Interception] = ForeignKey(
        Interception, index=True, on_delete=OnDelete.restrict
    )
    at = Timestamptz()
    user: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.restrict)
    action = Varchar(length=16)  # create | update | verify | reject
    changes = JSON(default="{}")


class InterceptionTally(Table, tablename="interception_tally"):
    """Interceptions counted and summed per month (China time), branch, status and value
    of one breakdown, so that reports read a few rows a month instead of every row.

    Maintained by database triggers on `interception` in the writing transaction
    (migration interceptions_2026_11_30t01_00_03); `breakdown` is "total" (value
    "") or the interception column the value comes from. Branch 0 holds every
    branch together, for reports over the whole network.
    """

    id = Serial(primary_key=True)
    month = Varchar(length=7)
    branch = Integer()
    status = Varchar(length=16)
    breakdown = Varchar(length=16)
    value = Varchar(length=40)
    n = BigInt(default=0)
    fen = BigInt(default=0)
