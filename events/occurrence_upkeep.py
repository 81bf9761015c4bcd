"""Maintenance of the occurrence table: filling it for events that have no rows yet,
and moving the horizon of open-ended series forward as time passes.

Run by `fangzha occurrences` (and the migration that created the table). Reads
never depend on it: a series whose rows stop early is expanded from the window
(events/occurrence_windows.py); this only keeps such reads on the fast path.
Writes go in short transactions (an event, or a batch of events to fill); the
expansion runs in a worker thread.
"""

from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from piccolo.columns.combination import WhereRaw

from core.clock import utcnow
from core.transactions import write_transaction
from events.occurrence_spans import HORIZON, spans_for_table
from events.occurrence_writes import EVENT_COLUMNS, insert_spans, rewrite_occurrences
from events.tables import Event, Occurrence

_BATCH = 200


@dataclass
class Upkeep:
    filled: int = 0
    extended: int = 0


async def fill_missing_occurrences(now: datetime | None = None) -> int:
    """Writes the rows of every event that is not cancelled and has none; returns how many."""
    filled = 0
    last_id = 0
    while True:
        rows = (
            await Event.select(*EVENT_COLUMNS)
            .where(
                Event.id > last_id,
                Event.status != "cancelled",
                WhereRaw("NOT EXISTS (SELECT 1 FROM occurrence WHERE occurrence.event = event.id)"),
            )
            .order_by(Event.id)
            .limit(_BATCH)
        )
        if not rows:
            return filled
        # A batch a transaction: short enough for staff writing meanwhile, few enough
        # commits for a database that fills every event at once after an upgrade.
        async with write_transaction(Event):
            for row in rows:
                if not await Occurrence.exists().where(Occurrence.event == row["id"]):
                    await rewrite_occurrences(row, now)
                    filled += 1
        last_id = rows[-1]["id"]


async def extend_occurrences(now: datetime | None = None) -> int:
    """Brings every series whose rows stop before now + HORIZON up to it; returns how many."""
    horizon = (now or utcnow()) + HORIZON
    extended = 0
    last_id = 0
    while True:
        rows = (
            await Event.select(*EVENT_COLUMNS)
            .where(
                Event.id > last_id,
                Event.occurrences_until.is_not_null(),
                Event.occurrences_until < horizon,
                Event.status != "cancelled",
            )
            .order_by(Event.id)
            .limit(_BATCH)
        )
        if not rows:
            return extended
        for row in rows:
            found = await anyio.to_thread.run_sync(
                spans_for_table, row, horizon, row["occurrences_until"]
            )
            async with write_transaction(Event):
                # Only if nobody rewrote the event meanwhile (that write brought its own rows).
                moved = (
                    await Event.update({Event.occurrences_until: found.until})
                    .where(
                        Event.id == row["id"],
                        Event.occurrences_until == row["occurrences_until"],
                        Event.updated_at == row["updated_at"],
                    )
                    .returning(Event.id)
                )
                if moved:
                    await insert_spans(row, found)
                    extended += 1
        last_id = rows[-1]["id"]


async def keep_occurrences_current(now: datetime | None = None) -> Upkeep:
    """Both steps, in the order a freshly migrated database needs them."""
    return Upkeep(
        filled=await fill_missing_occurrences(now), extended=await extend_occurrences(now)
    )
