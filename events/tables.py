from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
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
from core.home_zone import HOME_ZONE_NAME


class Campaign(Table, tablename="campaign"):
    id = Serial(primary_key=True)
    name = Varchar(length=200)
    theme = Varchar(length=40)
    starts_on = Date()
    ends_on = Date()
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    description = Text(default="")
    goal_events = Integer(null=True, default=None)
    goal_attendees = Integer(null=True, default=None)
    goal_interceptions = Integer(null=True, default=None)
    goal_amount_fen = BigInt(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Event(Table, tablename="event"):
    id = Serial(primary_key=True)
    uid = Varchar(length=255, unique=True)
    title = Varchar(length=300)
    kind = Varchar(length=32)
    campaign: ForeignKey[Campaign] = ForeignKey(
        Campaign, null=True, default=None, on_delete=OnDelete.set_null
    )
    branch: ForeignKey[Branch] = ForeignKey(Branch, on_delete=OnDelete.restrict)
    venue_name = Varchar(length=300, default="")
    venue_address = Text(default="")
    venue_type = Varchar(length=32, default="other")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    # Instant the last occurrence ends; NULL for rules without an end.
    # Lets window queries skip finished series without expanding them.
    series_ends_at = Timestamptz(null=True, default=None, index=True)
    timezone = Varchar(length=64, default=HOME_ZONE_NAME)
    rrule = Text(null=True, default=None)
    exdates = Text(default="[]")  # JSON list of ISO-8601 UTC instants
    capacity = Integer(null=True, default=None)
    languages = Text(default="[]")  # JSON list; text so LIKE filters work on both databases
    audiences = Text(default="[]")
    host = Varchar(length=200, default="")
    description = Text(default="")
    status = Varchar(length=16, default="draft", index=True)
    visibility = Varchar(length=16, default="public")
    sequence = Integer(default=0)
    cancel_reason = Text(default="")
    cancelled_at = Timestamptz(null=True, default=None)
    created_by: ForeignKey[User] = ForeignKey(
        User, null=True, default=None, on_delete=OnDelete.set_null
    )
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    # Distance the team travelled for one occurrence, in tenths of a kilometre:
    # integers add up exactly, as money does in fen.
    travel_km_tenths = Integer(null=True, default=None)
    remote_area = Boolean(default=False)
    # Occurrences starting before this instant are in the occurrence table; NULL
    # when all of them are (one-off events, series that end, cancelled events).
    occurrences_until = Timestamptz(null=True, default=None)


class Occurrence(Table, tablename="occurrence"):
    """One occurrence of an event, in UTC, so that windows are paged and counted in SQL.

    Written with its event in the same transaction (events/occurrence_writes.py).
    Cancelled events and exdates have no rows. The columns after `ends_at` are
    copies of the event's, so window queries filter and group without a join.
    """

    id = Serial(primary_key=True)
    event: ForeignKey[Event] = ForeignKey(Event, on_delete=OnDelete.cascade)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    branch = Integer()
    campaign = Integer(null=True, default=None)
    kind = Varchar(length=32)
    status = Varchar(length=16)
    visibility = Varchar(length=16)
    travel_km_tenths = Integer(null=True, default=None)
    remote_area = Boolean(default=False)


class Attendance(Table, tablename="attendance"):
    id = Serial(primary_key=True)
    event: ForeignKey[Event] = ForeignKey(Event, on_delete=OnDelete.cascade)
    occurrence_start = Timestamptz()
    headcount = Integer()
    by_audience = JSON(default="{}")
    materials_distributed = Integer(default=0)
    app_installs = Integer(default=0)
    notes = Text(default="")
    recorded_by: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()

    # One record per occurrence: a unique index on (event, occurrence_start) is
    # created by the migration, since SQLite cannot add table constraints later.


class AttendanceTally(Table, tablename="attendance_tally"):
    """Attendance records of held events (neither draft nor cancelled), counted and summed
    per China-time month of the occurrence and branch of the event, so that a report
    reads a row a month instead of every record of every event.

    Maintained by database triggers on `attendance` and `event` in the writing
    transaction (migration events_2026_11_30t21_00_01): a record written or
    removed, an event cancelled, restored, moved to another branch or deleted.
    """

    id = Serial(primary_key=True)
    month = Varchar(length=7)
    branch = Integer()
    records = BigInt(default=0)
    people = BigInt(default=0)
    installs = BigInt(default=0)


class EventChange(Table, tablename="event_change"):
    """Append-only history of an event; rows are only ever inserted."""

    id = Serial(primary_key=True)
    event: ForeignKey[Event] = ForeignKey(Event, index=True, on_delete=OnDelete.restrict)
    at = Timestamptz()
    user: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.restrict)
    action = Varchar(length=16)  # create | update | cancel | import
    changes = JSON(default="{}")


class AttendanceChange(Table, tablename="attendance_change"):
    """Append-only history of the attendance records of an event's occurrences."""

    id = Serial(primary_key=True)
    event: ForeignKey[Event] = ForeignKey(Event, index=True, on_delete=OnDelete.restrict)
    occurrence_start = Timestamptz()
    at = Timestamptz()
    user: ForeignKey[User] = ForeignKey(User, on_delete=OnDelete.restrict)
    action = Varchar(length=16)  # create | update
    changes = JSON(default="{}")
