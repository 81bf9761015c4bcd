from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T13:04:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "one attendance record per occurrence"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="events", description=DESCRIPTION
    )

    async def run():
        # SQLite cannot add a table constraint after creation; a unique index works on both.
        await RawTable.raw(
            "CREATE UNIQUE INDEX attendance_event_occurrence "
            "ON attendance (event, occurrence_start)"
        )

    async def run_backwards():
        await RawTable.raw("DROP INDEX attendance_event_occurrence")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    return manager
