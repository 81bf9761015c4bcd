"""Triggers that keep the attendance tallies, and the tallies of the records already there.

An outlet's summary walked every event of the outlet to its attendance in the
window, about 2 ms of its 10 on PostgreSQL at 200,000 records; the tallies
answer whole months in a row per month and branch. They count what the summary
counts: records of events neither draft nor cancelled, by the China-time month
of the occurrence and the event's branch. So they change when a record is
written or removed, and when an event is cancelled, restored, or moved to
another branch; all in the writing transaction, whoever writes.

An event's deletion first deletes its records itself, while the event still
exists to say which branch they were counted under; the cascade that follows
finds none left.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T21:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "attendance tallies kept by triggers"

INDEXES = [
    "CREATE UNIQUE INDEX attendance_tally_key ON attendance_tally (branch, month)",
    # Reports over the whole network read every branch of a few months.
    "CREATE INDEX attendance_tally_month "
    "ON attendance_tally (month, branch, records, people, installs)",
]

_COLUMNS = "branch, month, records, people, installs"
_ADD = (
    "ON CONFLICT (branch, month) DO UPDATE SET "
    "records = attendance_tally.records + excluded.records, "
    "people = attendance_tally.people + excluded.people, "
    "installs = attendance_tally.installs + excluded.installs"
)
_HELD = "NOT IN ('draft', 'cancelled')"
_NOT_HELD = "IN ('draft', 'cancelled')"

SQLITE_MONTH = "strftime('%Y-%m', {}, '+8 hours')"
POSTGRES_MONTH = "to_char({} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


def _sqlite_record(row: str, sign: str) -> str:
    """One attendance record counted (sign "") or taken back ("-") under its event's branch."""
    month = SQLITE_MONTH.format(f"{row}.occurrence_start")
    return (
        f"INSERT INTO attendance_tally ({_COLUMNS}) "
        f"SELECT e.branch, {month}, {sign}1, {sign}{row}.headcount, {sign}{row}.app_installs "
        f"FROM event AS e WHERE e.id = {row}.event AND e.status {_HELD} {_ADD};"
    )


def _sqlite_event(row: str, sign: str) -> str:
    """Every record of one event counted or taken back, if the event (as `row`) is held."""
    month = SQLITE_MONTH.format("a.occurrence_start")
    return (
        f"INSERT INTO attendance_tally ({_COLUMNS}) "
        f"SELECT {row}.branch, {month}, {sign}COUNT(*), {sign}SUM(a.headcount), "
        f"{sign}SUM(a.app_installs) FROM attendance AS a "
        f"WHERE a.event = {row}.id AND {row}.status {_HELD} GROUP BY 2 {_ADD};"
    )


SQLITE_TRIGGERS = [
    "CREATE TRIGGER attendance_tally_insert AFTER INSERT ON attendance "
    f"BEGIN {_sqlite_record('NEW', '')} END",
    "CREATE TRIGGER attendance_tally_delete AFTER DELETE ON attendance "
    f"BEGIN {_sqlite_record('OLD', '-')} END",
    "CREATE TRIGGER attendance_tally_update AFTER UPDATE OF "
    "event, occurrence_start, headcount, app_installs ON attendance "
    f"BEGIN {_sqlite_record('OLD', '-')} {_sqlite_record('NEW', '')} END",
    "CREATE TRIGGER event_attendance_tally_update AFTER UPDATE OF status, branch ON event "
    f"WHEN OLD.branch IS NOT NEW.branch OR (OLD.status {_HELD}) IS NOT (NEW.status {_HELD}) "
    f"BEGIN {_sqlite_event('OLD', '-')} {_sqlite_event('NEW', '')} END",
    "CREATE TRIGGER event_attendance_tally_delete BEFORE DELETE ON event "
    "BEGIN DELETE FROM attendance WHERE event = OLD.id; END",
]

_SUMS_CHANGED = (
    "HAVING SUM(changed.records) <> 0 OR SUM(changed.people) <> 0 "
    "OR SUM(changed.installs) <> 0 ORDER BY 1, 2"
)


def _records(source: str, sign: str) -> str:
    return (
        f"SELECT event, occurrence_start, {sign}1 AS records, {sign}headcount AS people, "
        f"{sign}app_installs AS installs FROM {source}"
    )


def _postgres_records(*sources: str) -> str:
    """The records of a statement's transition tables, summed per branch and month, in
    key order (concurrent writers then take the tally rows' locks in one order)."""
    month = POSTGRES_MONTH.format("changed.occurrence_start")
    return (
        f"INSERT INTO attendance_tally ({_COLUMNS}) "
        f"SELECT e.branch, {month}, SUM(changed.records), SUM(changed.people), "
        f"SUM(changed.installs) FROM ({' UNION ALL '.join(sources)}) AS changed "
        f"JOIN event AS e ON e.id = changed.event WHERE e.status {_HELD} "
        f"GROUP BY 1, 2 {_SUMS_CHANGED} {_ADD};"
    )


_MOVED = (
    "SELECT o.id, o.branch, -1 AS sign FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id "
    f"WHERE o.status {_HELD} AND (n.status {_NOT_HELD} OR n.branch <> o.branch) "
    "UNION ALL SELECT n.id, n.branch, 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id "
    f"WHERE n.status {_HELD} AND (o.status {_NOT_HELD} OR n.branch <> o.branch)"
)

POSTGRES_TRIGGERS = [
    f"""
CREATE FUNCTION attendance_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_postgres_records(_records("new_rows", ""))}
    ELSIF TG_OP = 'DELETE' THEN
        {_postgres_records(_records("old_rows", "-"))}
    ELSE
        {_postgres_records(_records("new_rows", ""), _records("old_rows", "-"))}
    END IF;
    RETURN NULL;
END
$$
""",
    "CREATE TRIGGER attendance_tally_insert AFTER INSERT ON attendance "
    "REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally_apply()",
    "CREATE TRIGGER attendance_tally_delete AFTER DELETE ON attendance "
    "REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally_apply()",
    "CREATE TRIGGER attendance_tally_update AFTER UPDATE ON attendance "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION attendance_tally_apply()",
    f"""
CREATE FUNCTION event_attendance_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO attendance_tally ({_COLUMNS})
    SELECT moved.branch, {POSTGRES_MONTH.format("a.occurrence_start")}, SUM(moved.sign),
        SUM(moved.sign * a.headcount), SUM(moved.sign * a.app_installs)
    FROM ({_MOVED}) AS moved JOIN attendance AS a ON a.event = moved.id
    GROUP BY 1, 2 ORDER BY 1, 2 {_ADD};
    RETURN NULL;
END
$$
""",
    # A column list would be cheaper, but PostgreSQL allows none beside transition tables.
    "CREATE TRIGGER event_attendance_tally_update AFTER UPDATE ON event "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION event_attendance_tally_apply()",
    """
CREATE FUNCTION event_attendance_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attendance WHERE event = OLD.id;
    RETURN OLD;
END
$$
""",
    "CREATE TRIGGER event_attendance_tally_delete BEFORE DELETE ON event "
    "FOR EACH ROW EXECUTE FUNCTION event_attendance_tally_delete()",
]


def backfill(month: str) -> str:
    """The tallies of the records already there, as one statement."""
    return (
        f"INSERT INTO attendance_tally ({_COLUMNS}) "
        f"SELECT e.branch, {month.format('a.occurrence_start')}, COUNT(*), SUM(a.headcount), "
        "SUM(a.app_installs) FROM attendance AS a JOIN event AS e ON e.id = a.event "
        f"WHERE e.status {_HELD} GROUP BY 1, 2"
    )


_DROPPED = [
    ("attendance_tally_insert", "attendance"),
    ("attendance_tally_delete", "attendance"),
    ("attendance_tally_update", "attendance"),
    ("event_attendance_tally_update", "event"),
    ("event_attendance_tally_delete", "event"),
]
_FUNCTIONS = [
    "attendance_tally_apply",
    "event_attendance_tally_apply",
    "event_attendance_tally_delete",
]


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def run():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in INDEXES:
            await RawTable.raw(statement)
        for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
            await RawTable.raw(statement)
        await RawTable.raw(backfill(POSTGRES_MONTH if postgres else SQLITE_MONTH))

    async def run_backwards():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for trigger, table in _DROPPED:
            await RawTable.raw(f"DROP TRIGGER {trigger}" + (f" ON {table}" if postgres else ""))
        if postgres:
            for function in _FUNCTIONS:
                await RawTable.raw(f"DROP FUNCTION {function}()")
        await RawTable.raw("DELETE FROM attendance_tally")
        for statement in reversed(INDEXES):
            await RawTable.raw("DROP INDEX " + statement.split(" INDEX ")[1].split(" ")[0])

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
