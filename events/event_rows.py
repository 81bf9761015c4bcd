"""Event rows to API shapes, and reading one event the caller may see."""

import json
from datetime import UTC, datetime
from typing import Any, Literal

from accounts.caller import Caller
from core.errors import NotFound
from core.transactions import row_lock
from events.recurrence import Schedule, local_iso
from events.schemas import EventOut, Venue
from events.tables import Event
from events.travel import format_km
from events.visibility import visible_events

COLUMNS = (
    Event.id,
    Event.uid,
    Event.title,
    Event.kind,
    Event.campaign,
    Event.branch,
    Event.venue_name,
    Event.venue_address,
    Event.venue_type,
    Event.starts_at,
    Event.ends_at,
    Event.series_ends_at,
    Event.timezone,
    Event.rrule,
    Event.exdates,
    Event.capacity,
    Event.languages,
    Event.audiences,
    Event.host,
    Event.description,
    Event.status,
    Event.visibility,
    Event.sequence,
    Event.travel_km_tenths,
    Event.remote_area,
    Event.created_at,
    Event.updated_at,
)


def venue_of(row: dict[str, Any]) -> Venue:
    return Venue(name=row["venue_name"], address=row["venue_address"], venue_type=row["venue_type"])


def exdates_of(row: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(text) for text in json.loads(row["exdates"] or "[]")]


def schedule_of(row: dict[str, Any]) -> Schedule:
    """An event row's schedule: first occurrence, zone, rule and cancelled starts."""
    return Schedule(
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        exdates=frozenset(exdates_of(row)),
    )


def to_event_out(row: dict[str, Any]) -> EventOut:
    zone = row["timezone"]
    return EventOut(
        id=row["id"],
        uid=row["uid"],
        title=row["title"],
        kind=row["kind"],
        campaign_id=row["campaign"],
        branch_id=row["branch"],
        venue=venue_of(row),
        starts_at=local_iso(row["starts_at"], zone),
        ends_at=local_iso(row["ends_at"], zone),
        timezone=zone,
        rrule=row["rrule"],
        exdates=[local_iso(x, zone) for x in exdates_of(row)],
        capacity=row["capacity"],
        languages=json.loads(row["languages"] or "[]"),
        audiences=json.loads(row["audiences"] or "[]"),
        host=row["host"],
        description=row["description"],
        status=row["status"],
        visibility=row["visibility"],
        sequence=row["sequence"],
        travel_km=None if row["travel_km_tenths"] is None else format_km(row["travel_km_tenths"]),
        remote_area=bool(row["remote_area"]),
        created_at=row["created_at"].astimezone(UTC),
        updated_at=row["updated_at"].astimezone(UTC),
    )


# Row locks, taken on PostgreSQL only (SQLite's immediate transaction already excludes
# every other writer): a change locks the row it rewrites ("NO KEY UPDATE"); attendance
# shares the row ("SHARE"), so the event cannot be cancelled or moved between its check
# and its write.
RowLock = Literal["NO KEY UPDATE", "SHARE"]


async def visible_row(
    caller: Caller | None, event_id: int, *, lock: RowLock | None = None
) -> dict[str, Any]:
    """The event's row if the caller may see it; 404 otherwise (never reveals drafts).

    With `lock`, inside a write transaction, the row stays as read until it commits.
    """
    query = Event.select(*COLUMNS).where(Event.id == event_id)
    clause = await visible_events(caller)
    if clause is not None:
        query = query.where(clause)
    if lock is not None and row_lock(Event):
        query = query.lock_rows(lock)
    row = await query.first()
    if row is None:
        raise NotFound("Event", event_id)
    return row
