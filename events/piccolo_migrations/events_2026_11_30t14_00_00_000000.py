"""Indexes that let a report over a few branches walk from their events.

An outlet's summary finds its events, then each event's attendance in the
window. On PostgreSQL that meant reading the events' rows for their status and
a pass over every attendance record of the window (the time index lacks app
installs, so those rows were read too): 10 ms of an outlet's 20 ms summary at
200,000 records. With these two indexes both sides come from the indexes
alone, and the planner walks from the events.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of events by branch and status, and attendance by event with its figures"

FORWARDS = [
    "CREATE INDEX event_branch_status ON event (branch, status, id)",
    "CREATE INDEX attendance_event_figures "
    "ON attendance (event, occurrence_start, headcount, app_installs)",
]
BACKWARDS = ["DROP INDEX attendance_event_figures", "DROP INDEX event_branch_status"]


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def run():
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards():
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
