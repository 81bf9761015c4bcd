"""Keeping the occurrence table in step with the events, inside the write that changes them.

Every write of an event (create, update, cancel, exdates, calendar import) calls
`keep_occurrences_in_step` in its own transaction, so a reader never sees an
event without its occurrences or occurrences of an event that moved.
"""

import json
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from piccolo.engine.postgres import PostgresEngine

from core.clock import utcnow
from events.occurrence_spans import HORIZON, Spans, spans_for_table
from events.tables import Event, Occurrence

# Columns of the event that decide when its occurrences are.
_WHEN = ("starts_at", "ends_at", "timezone", "rrule", "exdates")
# Columns copied onto every occurrence row, as (event column, occurrence column).
COPIED = (
    ("branch", "branch"),
    ("campaign", "campaign"),
    ("kind", "kind"),
    ("status", "status"),
    ("visibility", "visibility"),
    ("travel_km_tenths", "travel_km_tenths"),
    ("remote_area", "remote_area"),
)
_ROW_COLUMNS = ("event", "starts_at", "ends_at", *(target for _, target in COPIED))

EVENT_COLUMNS = (
    Event.id,
    Event.starts_at,
    Event.ends_at,
    Event.series_ends_at,
    Event.timezone,
    Event.rrule,
    Event.exdates,
    Event.occurrences_until,
    Event.updated_at,
    *(getattr(Event, source) for source, _ in COPIED),
)


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, datetime) and isinstance(after, datetime):
        return before == after
    return bool(before == after)


async def keep_occurrences_in_step(event_id: int, before: dict[str, Any] | None = None) -> None:
    """After a write of the event: rewrite its rows when its times changed, else the copies.

    `before` is the event's row as read before the write (None for a new event).
    """
    row = await Event.select(*EVENT_COLUMNS).where(Event.id == event_id).first()
    if row is None:
        return
    cancelled = row["status"] == "cancelled"
    if (
        before is None
        or any(not _same(before.get(k), row[k]) for k in _WHEN)
        or cancelled != (before.get("status") == "cancelled")
    ):
        await rewrite_occurrences(row)
        return
    changed = {
        getattr(Occurrence, target): row[source]
        for source, target in COPIED
        if not _same(before.get(source), row[source])
    }
    if changed:
        await Occurrence.update(changed).where(Occurrence.event == event_id)


async def rewrite_occurrences(row: dict[str, Any], now: datetime | None = None) -> None:
    """Replace the event's rows with a fresh expansion up to now + HORIZON."""
    horizon = (now or utcnow()) + HORIZON
    found = await anyio.to_thread.run_sync(spans_for_table, row, horizon)
    await Occurrence.delete().where(Occurrence.event == row["id"])
    await insert_spans(row, found)
    await Event.update({Event.occurrences_until: found.until}).where(Event.id == row["id"])


async def insert_spans(row: dict[str, Any], found: Spans) -> None:
    """One INSERT for all of an event's rows: an array (PostgreSQL) or a JSON list
    (SQLite) of starts and ends, joined with the columns every row copies."""
    if not found.spans:
        return
    copies = [row[source] for source, _ in COPIED]
    columns = ", ".join(_ROW_COLUMNS)
    values = ", ".join(["{}"] * len(copies))
    if isinstance(Occurrence._meta.db, PostgresEngine):
        await Occurrence.raw(
            f"INSERT INTO occurrence ({columns}) SELECT {{}}, s, e, {values} "  # noqa: S608 - fixed names
            "FROM unnest({}::timestamptz[], {}::timestamptz[]) AS t(s, e)",
            row["id"],
            *copies,
            [start for start, _ in found.spans],
            [end for _, end in found.spans],
        )
        return
    # Stored as Piccolo stores them on SQLite: UTC, "2025-03-14 02:00:00+00:00".
    pairs = json.dumps(
        [[str(start.astimezone(UTC)), str(end.astimezone(UTC))] for start, end in found.spans]
    )
    await Occurrence.raw(
        f"INSERT INTO occurrence ({columns}) SELECT {{}}, json_extract(value, '$[0]'), "  # noqa: S608 - fixed names
        f"json_extract(value, '$[1]'), {values} FROM json_each({{}})",
        row["id"],
        *copies,
        pairs,
    )
