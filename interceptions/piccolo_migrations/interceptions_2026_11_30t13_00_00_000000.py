"""SQLite: a bulk import tallies its rows in one statement instead of one trigger per row.

SQLite has only row triggers: a 20,000-row import ran 160,000 tally upserts
inside its write transaction, which held the file's single write lock for
most of its 1.6 s while every staff member logging an interception waited.
The insert trigger now stands aside while `interception_tally_pause` holds a
row. The import inserts that row, writes its rows, adds their tallies with one
grouped statement and deletes the row again, all in its one transaction, so
no other connection ever sees the pause. PostgreSQL's statement triggers
already tally a bulk insert at once; nothing changes there.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "SQLite: the insert tally trigger pauses for bulk imports"

# Written out rather than imported: a migration stays as it ran.
_TALLIED = (
    "INSERT INTO interception_tally (month, branch, status, breakdown, value, n, fen) VALUES "
    + ", ".join(
        f"(strftime('%Y-%m', NEW.occurred_at, '+8 hours'), {branch}, NEW.status, {pair}, "
        "1, NEW.amount_saved_fen)"
        for branch in ("NEW.branch", "0")
        for pair in (
            "'total', ''",
            "'fraud_type', NEW.fraud_type",
            "'channel', NEW.channel",
            "'victim_age_band', NEW.victim_age_band",
        )
    )
    + " ON CONFLICT (month, branch, status, breakdown, value) DO UPDATE SET "
    "n = interception_tally.n + excluded.n, fen = interception_tally.fen + excluded.fen;"
)

FORWARDS = [
    "CREATE TABLE interception_tally_pause (id INTEGER PRIMARY KEY)",
    "DROP TRIGGER interception_tally_insert",
    "CREATE TRIGGER interception_tally_insert AFTER INSERT ON interception "
    "WHEN NOT EXISTS (SELECT 1 FROM interception_tally_pause) "
    f"BEGIN {_TALLIED} END",
]

BACKWARDS = [
    "DROP TRIGGER interception_tally_insert",
    f"CREATE TRIGGER interception_tally_insert AFTER INSERT ON interception BEGIN {_TALLIED} END",
    "DROP TABLE interception_tally_pause",
]


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="interceptions", description=DESCRIPTION)

    async def run(statements: list[str]) -> None:
        if isinstance(RawTable._meta.db, PostgresEngine):
            return
        for statement in statements:
            await RawTable.raw(statement)

    async def run_forwards():
        await run(FORWARDS)

    async def run_backwards():
        await run(BACKWARDS)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
