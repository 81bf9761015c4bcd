"""Finding events: the filtered, paginated list and the occurrences in a window."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns.combination import WhereRaw

from accounts.caller import Caller
from accounts.scoping import subtree_ids_by_code
from core.errors import Unprocessable
from core.window import parse_window
from events.event_rows import COLUMNS, to_event_out, venue_of
from events.occurrence_windows import occurrences_beyond_table, overlapping
from events.recurrence import MAX_OCCURRENCES, RecurrenceError, local_iso
from events.schemas import EventOut, OccurrenceOut
from events.tables import Event, Occurrence
from events.visibility import visible_events

MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class EventFilter:
    start: datetime | None = None
    end: datetime | None = None
    branch: str | None = None
    campaign: int | None = None
    kind: str | None = None
    status: str | None = None
    q: str | None = None


def event_filter(
    start: str | None,
    end: str | None,
    branch: str | None = None,
    campaign: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> EventFilter:
    """The events list's query parameters, parsed once for every endpoint that takes them."""
    window = parse_window(start, end)
    return EventFilter(
        start=window.start,
        end=window.end,
        branch=branch,
        campaign=campaign,
        kind=kind,
        status=status,
        q=q,
    )


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


async def event_clauses(caller: Caller | None, f: EventFilter) -> list[Any]:
    """The list's filters as where-clauses, visibility first (the list and exports share them)."""
    clauses: list[Any] = []
    visible = await visible_events(caller)
    if visible is not None:
        clauses.append(visible)
    if f.start is not None:
        clauses.append(Event.series_ends_at.is_null() | (Event.series_ends_at > f.start))
    if f.end is not None:
        clauses.append(Event.starts_at < f.end)
    if f.branch:
        ids = await subtree_ids_by_code(f.branch)
        if ids is None:
            raise Unprocessable("There is no branch with code {branch}.", branch=f.branch[:40])
        clauses.append(Event.branch.is_in(ids))
    if f.campaign is not None:
        clauses.append(Event.campaign == f.campaign)
    if f.kind:
        clauses.append(Event.kind == f.kind)
    if f.status:
        clauses.append(Event.status == f.status)
    if f.q and f.q.strip():
        clauses.append(_text_clause(f.q))
    return clauses


def _text_clause(q: str) -> Any:
    pattern = _like_pattern(q.strip())
    return WhereRaw(
        # Qualified: exports join this clause with the branch and campaign tables.
        "(lower(event.title) LIKE {} ESCAPE '\\' "
        "OR lower(event.venue_name) LIKE {} ESCAPE '\\' "
        "OR lower(event.venue_address) LIKE {} ESCAPE '\\' "
        "OR lower(event.host) LIKE {} ESCAPE '\\')",
        pattern,
        pattern,
        pattern,
        pattern,
    )


async def list_events(
    caller: Caller | None, f: EventFilter, limit: int, offset: int
) -> tuple[list[EventOut], int]:
    clauses = await event_clauses(caller, f)
    query = Event.select(*COLUMNS).order_by(Event.starts_at).order_by(Event.id)
    count = Event.count()
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.limit(limit).offset(offset)
    return [to_event_out(r) for r in rows], await count


def check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise Unprocessable("`to` must be after `from`.")
    if end - start > MAX_WINDOW:
        raise Unprocessable("The window may span at most 366 days; ask for a shorter one.")


async def _occurrence_where(caller: Caller | None, f: EventFilter) -> list[Any]:
    """The events list's filters, on the copies an occurrence row carries."""
    assert f.start is not None
    assert f.end is not None
    clauses = overlapping(f.start, f.end)
    visible = await visible_events(caller, Occurrence)
    if visible is not None:
        clauses.append(visible)
    if f.branch:
        ids = await subtree_ids_by_code(f.branch)
        if ids is None:
            raise Unprocessable("There is no branch with code {branch}.", branch=f.branch[:40])
        clauses.append(Occurrence.branch.is_in(ids))
    if f.campaign is not None:
        clauses.append(Occurrence.campaign == f.campaign)
    if f.kind:
        clauses.append(Occurrence.kind == f.kind)
    if f.status:
        clauses.append(Occurrence.status == f.status)
    if f.q and f.q.strip():
        clauses.append(Occurrence.event.is_in(Event.select(Event.id).where(_text_clause(f.q))))
    return clauses


_FROM_EVENT = ("uid", "title", "venue_name", "venue_address", "venue_type", "host", "timezone")
_OCCURRENCE_COLUMNS = (
    Occurrence.event,
    Occurrence.starts_at,
    Occurrence.ends_at,
    Occurrence.kind,
    Occurrence.branch,
    Occurrence.campaign,
    Occurrence.status,
    Occurrence.visibility,
    *(getattr(Occurrence.event._, name).as_alias(name) for name in _FROM_EVENT),
    Occurrence.event._.rrule.as_alias("rrule"),
)


def _occurrence_out(row: dict[str, Any], start: datetime, end: datetime) -> OccurrenceOut:
    zone = row["timezone"]
    return OccurrenceOut(
        event_id=row["event"],
        uid=row["uid"],
        title=row["title"],
        kind=row["kind"],
        branch_id=row["branch"],
        campaign_id=row["campaign"],
        venue=venue_of(row),
        host=row["host"],
        starts_at=local_iso(start, zone),
        ends_at=local_iso(end, zone),
        timezone=zone,
        status=row["status"],
        visibility=row["visibility"],
        recurring=bool(row["rrule"]),
    )


async def list_occurrences(
    caller: Caller | None, f: EventFilter, limit: int, offset: int
) -> tuple[list[OccurrenceOut], int]:
    """Every occurrence overlapping [f.start, f.end), in start order; exdates and
    cancelled events left out. A page is read from the occurrence table in SQL."""
    assert f.start is not None
    assert f.end is not None
    check_window(f.start, f.end)
    clauses = await _occurrence_where(caller, f)
    page = (
        Occurrence.select(*_OCCURRENCE_COLUMNS)
        .where(*clauses)
        .order_by(Occurrence.starts_at)
        .order_by(Occurrence.event)
    )
    count = Occurrence.count().where(*clauses)
    try:
        beyond = await occurrences_beyond_table(
            COLUMNS, await event_clauses(caller, f), f.start, f.end
        )
    except RecurrenceError as exc:
        raise Unprocessable(
            "More than {limit} occurrences fall in this window; choose a shorter one or filter "
            "by branch, campaign or kind.",
            limit=MAX_OCCURRENCES,
        ) from exc
    if not beyond:
        rows = await page.limit(limit).offset(offset)
        return [_occurrence_out(r, r["starts_at"], r["ends_at"]) for r in rows], await count
    # Rare: an open-ended series asked about beyond its rows. Merge in start order.
    found = [
        (r["starts_at"], r["event"], _occurrence_out(r, r["starts_at"], r["ends_at"]))
        for r in await page.limit(offset + limit)
    ]
    for row, spans in beyond:
        shaped = {**row, "event": row["id"]}
        found.extend(
            (start, row["id"], _occurrence_out(shaped, start, end)) for start, end in spans
        )
    found.sort(key=lambda entry: (entry[0], entry[1]))
    extra = sum(len(spans) for _, spans in beyond)
    return [entry[2] for entry in found[offset : offset + limit]], await count + extra
