from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T01:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes of window queries and reports; occurrences of existing events"

# Every statement runs on SQLite and PostgreSQL alike.
INDEXES = [
    "CREATE UNIQUE INDEX occurrence_event_start ON occurrence (event, starts_at)",
    # Windows of the occurrences list, with what the count filters on.
    "CREATE INDEX occurrence_starts_at "
    "ON occurrence (starts_at, ends_at, visibility, status, branch)",
    "CREATE INDEX occurrence_branch_starts_at ON occurrence (branch, starts_at)",
    # Held occurrences and outreach of reports, answered from the index alone.
    "CREATE INDEX occurrence_ends_at "
    "ON occurrence (ends_at, status, kind, remote_area, travel_km_tenths, event)",
    "CREATE INDEX occurrence_branch_ends_at "
    "ON occurrence (branch, ends_at, status, kind, remote_area, travel_km_tenths)",
    "CREATE INDEX occurrence_campaign_ends_at ON occurrence (campaign, ends_at)",
    "CREATE INDEX event_occurrences_until ON event (occurrences_until)",
    "CREATE INDEX event_branch_starts_at ON event (branch, starts_at)",
    "CREATE INDEX event_campaign ON event (campaign)",
    # Attendance of a window, summed from the index alone.
    "CREATE INDEX attendance_occurrence_start "
    "ON attendance (occurrence_start, event, headcount)",
]


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def run():
        for statement in INDEXES:
            await RawTable.raw(statement)
        # Databases that already hold events get their occurrences now; later
        # writes keep them in step, and `fangzha occurrences` moves the horizon.
        from events.occurrence_upkeep import fill_missing_occurrences

        await fill_missing_occurrences()

    async def run_backwards():
        for statement in reversed(INDEXES):
            await RawTable.raw("DROP INDEX " + statement.split(" INDEX ")[1].split(" ")[0])

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
