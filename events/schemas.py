"""Request and response shapes of campaigns, events, occurrences and attendance."""

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from core.changes import Changes
from core.home_zone import HOME_ZONE_NAME
from core.pagination import Page, schema_name

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
LongText = Annotated[str, msgspec.Meta(max_length=10_000)]
ZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
RuleText = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Instant = Annotated[datetime, msgspec.Meta(tz=True)]
Count = Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]
Uid = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")]
LanguageTag = Annotated[
    str, msgspec.Meta(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
]

Theme = Literal[
    "consumer_rights_315",
    "finance_knowledge_home",
    "cybersecurity_week",
    "finance_education_week",
    "anti_fraud_month",
    "finance_knowledge_tour",
    "local",
]
Kind = Literal[
    "lecture",
    "salon",
    "community_visit",
    "campus_visit",
    "village_visit",
    "enterprise_visit",
    "home_visit",
    "online",
    "other",
]
VenueType = Literal[
    "branch_hall",
    "enterprise",
    "community",
    "campus",
    "village",
    "inclusive_finance_point",
    "online",
    "other",
]
Audience = Literal["elderly", "students", "merchants", "rural", "migrant_workers", "general"]
Status = Literal["draft", "scheduled", "cancelled", "completed"]
Visibility = Literal["public", "internal"]
Amount = Annotated[str, msgspec.Meta(max_length=20, description='Yuan, e.g. "86000.00"')]
TravelKm = Annotated[
    str,
    msgspec.Meta(
        max_length=20,
        description="Kilometres the team travelled for each occurrence, at most one decimal, "
        'e.g. "56.5"',
    ),
]

# --- campaigns -------------------------------------------------------------


class Goals(msgspec.Struct, forbid_unknown_fields=True):
    events: Count | None = None
    attendees: Count | None = None
    interceptions: Count | None = None
    amount_saved: Amount | None = None


class GoalsPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Goals sent are changed (null clears one); goals left out are kept."""

    events: Count | msgspec.UnsetType | None = msgspec.UNSET
    attendees: Count | msgspec.UnsetType | None = msgspec.UNSET
    interceptions: Count | msgspec.UnsetType | None = msgspec.UNSET
    amount_saved: Amount | msgspec.UnsetType | None = msgspec.UNSET


class CampaignCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Title
    starts_on: date
    ends_on: date
    theme: Theme = "local"
    branch_id: Id | None = None
    description: LongText = ""
    goals: Goals = msgspec.field(default_factory=Goals)


class CampaignUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Title | msgspec.UnsetType = msgspec.UNSET
    theme: Theme | msgspec.UnsetType = msgspec.UNSET
    starts_on: date | msgspec.UnsetType = msgspec.UNSET
    ends_on: date | msgspec.UnsetType = msgspec.UNSET
    branch_id: Id | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    goals: GoalsPatch | msgspec.UnsetType = msgspec.UNSET


class CampaignOut(msgspec.Struct):
    id: int
    name: str
    theme: str
    starts_on: date
    ends_on: date
    branch_id: int
    description: str
    goals: Goals
    created_at: datetime
    updated_at: datetime


CampaignPage = Annotated[Page[CampaignOut], schema_name("CampaignPage")]


# --- events ----------------------------------------------------------------


class Venue(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText = ""
    address: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    venue_type: VenueType = "other"


class EventCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    starts_at: Instant
    ends_at: Instant
    kind: Kind = "other"
    branch_id: Id | None = None
    campaign_id: Id | None = None
    venue: Venue = msgspec.field(default_factory=Venue)
    timezone: ZoneName = HOME_ZONE_NAME
    rrule: RuleText | None = None
    exdates: Annotated[list[Instant], msgspec.Meta(max_length=1000)] = msgspec.field(
        default_factory=list
    )
    capacity: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    languages: Annotated[list[LanguageTag], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    audiences: Annotated[list[Audience], msgspec.Meta(max_length=6)] = msgspec.field(
        default_factory=list
    )
    host: Annotated[str, msgspec.Meta(max_length=200)] = ""
    description: LongText = ""
    status: Literal["draft", "scheduled", "completed"] = "scheduled"
    visibility: Visibility = "public"
    uid: Uid | None = None
    travel_km: TravelKm | None = None
    remote_area: bool = False
    allow_conflicts: bool = False


class EventUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    kind: Kind | msgspec.UnsetType = msgspec.UNSET
    starts_at: Instant | msgspec.UnsetType = msgspec.UNSET
    ends_at: Instant | msgspec.UnsetType = msgspec.UNSET
    branch_id: Id | msgspec.UnsetType = msgspec.UNSET
    campaign_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    venue: Venue | msgspec.UnsetType = msgspec.UNSET
    timezone: ZoneName | msgspec.UnsetType = msgspec.UNSET
    rrule: RuleText | msgspec.UnsetType | None = msgspec.UNSET
    exdates: Annotated[list[Instant], msgspec.Meta(max_length=1000)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    capacity: Annotated[int, msgspec.Meta(ge=1, le=1000000)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    languages: Annotated[list[LanguageTag], msgspec.Meta(max_length=20)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    audiences: Annotated[list[Audience], msgspec.Meta(max_length=6)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    host: Annotated[str, msgspec.Meta(max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    status: Status | msgspec.UnsetType = msgspec.UNSET
    visibility: Visibility | msgspec.UnsetType = msgspec.UNSET
    travel_km: TravelKm | msgspec.UnsetType | None = msgspec.UNSET
    remote_area: bool | msgspec.UnsetType = msgspec.UNSET
    allow_conflicts: bool = False


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class EventOut(msgspec.Struct):
    id: int
    uid: str
    title: str
    kind: str
    campaign_id: int | None
    branch_id: int
    venue: Venue
    starts_at: str
    ends_at: str
    timezone: str
    rrule: str | None
    exdates: list[str]
    capacity: int | None
    languages: list[str]
    audiences: list[str]
    host: str
    description: str
    status: str
    visibility: str
    sequence: int
    travel_km: str | None
    remote_area: bool
    created_at: datetime
    updated_at: datetime


EventPage = Annotated[Page[EventOut], schema_name("EventPage")]


class OccurrenceOut(msgspec.Struct):
    event_id: int
    uid: str
    title: str
    kind: str
    branch_id: int
    campaign_id: int | None
    venue: Venue
    host: str
    starts_at: str
    ends_at: str
    timezone: str
    status: str
    visibility: str
    recurring: bool


OccurrencePage = Annotated[Page[OccurrenceOut], schema_name("OccurrencePage")]


# --- attendance ------------------------------------------------------------


class AttendanceIn(msgspec.Struct, forbid_unknown_fields=True):
    occurrence_start: Instant
    headcount: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    by_audience: dict[Audience, Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]] = msgspec.field(
        default_factory=dict
    )
    materials_distributed: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)] = 0
    app_installs: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0
    notes: Annotated[str, msgspec.Meta(max_length=5000)] = ""


class AttendanceOut(msgspec.Struct):
    event_id: int
    occurrence_start: str
    headcount: int
    by_audience: dict[str, int]
    materials_distributed: int
    app_installs: int
    notes: str
    recorded_by: int
    recorded_at: datetime


AttendancePage = Annotated[Page[AttendanceOut], schema_name("AttendancePage")]


# --- histories -------------------------------------------------------------


class EventHistoryItem(msgspec.Struct):
    """One change: when (in the event's zone), by whom, and field → [before, after]."""

    at: str
    user: str
    user_id: int
    action: str  # create | update | cancel | import
    changes: Changes


EventHistoryPage = Annotated[Page[EventHistoryItem], schema_name("EventHistoryPage")]


class AttendanceHistoryItem(msgspec.Struct):
    at: str
    user: str
    user_id: int
    action: str  # create | update
    occurrence_start: str
    changes: Changes


AttendanceHistoryPage = Annotated[Page[AttendanceHistoryItem], schema_name("AttendanceHistoryPage")]


# --- calendar import -------------------------------------------------------


class ImportedEvent(msgspec.Struct):
    id: int
    uid: str
    title: str
    action: str  # created | updated | unchanged


class CalendarImportResult(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    skipped: int
    events: list[ImportedEvent]


class CalendarRowError(msgspec.Struct, dict=True):
    """Why one event of an .ics file cannot be imported; `message` (not sent) is the
    reason's Message, for translation."""

    event: int  # its place among the file's events, from 1
    uid: str
    title: str
    reason: str


class CalendarImportRejection(msgspec.Struct):
    status_code: int
    detail: str
    # Empty when the file as a whole is unusable (not text, not iCalendar).
    errors: list[CalendarRowError] = []
