"""The events a feed holds, read from the database in a stable order."""

from typing import Any

from accounts.scoping import subtree_ids_by_code
from accounts.tables import Branch
from core.errors import NotFound
from events.tables import Campaign, Event
from exports.feed_filters import FeedFilters
from exports.feed_scope import FeedScope
from exports.feed_window import Window
from exports.ical import CalendarEvent

_COLUMNS = (
    Event.id,
    Event.uid,
    Event.title,
    Event.kind,
    Event.starts_at,
    Event.ends_at,
    Event.timezone,
    Event.rrule,
    Event.exdates,
    Event.venue_name,
    Event.venue_address,
    Event.description,
    Event.status,
    Event.sequence,
    Event.created_at,
    Event.updated_at,
    Event.visibility,
    Event.campaign._.theme,
)


def calendar_event(row: dict[str, Any]) -> CalendarEvent:
    return CalendarEvent(
        id=row["id"],
        uid=row["uid"],
        title=row["title"],
        kind=row["kind"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        exdates=row["exdates"],
        venue_name=row["venue_name"],
        venue_address=row["venue_address"],
        description=row["description"],
        status=row["status"],
        sequence=row["sequence"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        campaign_theme=row["campaign.theme"],
        visibility=row["visibility"],
    )


async def branch_filter_ids(filters: FeedFilters) -> tuple[int, ...] | None:
    """The branch filter's subtree; None without one, 404 for an unknown code."""
    if filters.branch is None:
        return None
    ids = await subtree_ids_by_code(filters.branch)
    if ids is None:
        raise NotFound("Branch", filters.branch)
    return tuple(sorted(ids))


async def branch_name(code: str | None) -> str | None:
    if code is None:
        return None
    found = await Branch.select(Branch.name).where(Branch.code == code).first()
    return str(found["name"]) if found else None


async def require_campaign(filters: FeedFilters) -> None:
    if filters.campaign is not None and not await Campaign.exists().where(
        Campaign.id == filters.campaign
    ):
        raise NotFound("Campaign", filters.campaign)


def _where(
    scope: FeedScope, filters: FeedFilters, branch_ids: tuple[int, ...] | None, window: Window
) -> list[Any]:
    clauses: list[Any] = [window.clause()]
    public = Event.visibility == "public"
    if scope.internal_branch_ids is None:
        clauses.append(public | (Event.visibility == "internal"))
    elif scope.internal_branch_ids:
        internal = (Event.visibility == "internal") & Event.branch.is_in(
            list(scope.internal_branch_ids)
        )
        clauses.append(public | internal)
    else:
        clauses.append(public)
    if branch_ids is not None:
        clauses.append(Event.branch.is_in(list(branch_ids)) if branch_ids else Event.id == -1)
    if filters.campaign is not None:
        clauses.append(Event.campaign == filters.campaign)
    if filters.kind is not None:
        clauses.append(Event.kind == filters.kind)
    if filters.language is not None:
        clauses.append(Event.languages.like(f'%"{filters.language}"%'))
    if filters.audience is not None:
        clauses.append(Event.audiences.like(f'%"{filters.audience}"%'))
    return clauses


async def read_feed_events(
    scope: FeedScope, filters: FeedFilters, branch_ids: tuple[int, ...] | None, window: Window
) -> list[CalendarEvent]:
    """The events a feed holds in this window, by start then id."""
    query = Event.select(*_COLUMNS).where(*_where(scope, filters, branch_ids, window))
    rows = await query.order_by(Event.starts_at).order_by(Event.id)
    return [calendar_event(r) for r in rows]


async def read_public_event(event_id: int) -> CalendarEvent:
    """One public, non-draft event for its own .ics file, however old; 404 otherwise."""
    row = await (
        Event.select(*_COLUMNS)
        .where(
            (Event.id == event_id)
            & (Event.visibility == "public")
            & Event.status.is_in(["scheduled", "completed", "cancelled"])
        )
        .first()
    )
    if row is None:
        raise NotFound("Event", event_id)
    return calendar_event(row)
