"""An index of the interceptions attributed to an event, holding what the per-event report sums.

The per-event report and the dashboard's top events sum, per event, the
interceptions of a window that name an event. Through the time index that
meant fetching every interception of the year to find the few attributed
ones (a third of a second at 1,000,000 rows on SQLite); this partial index
holds only those, with every column the sums read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial index of interceptions attributed to events"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="interceptions", description=DESCRIPTION)

    async def run():
        await RawTable.raw(
            "CREATE INDEX interception_attributed ON interception "
            "(occurred_at, event, status, amount_saved_fen, branch) WHERE event IS NOT NULL"
        )

    async def run_backwards():
        await RawTable.raw("DROP INDEX interception_attributed")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
