"""Indexes that scoped lists, filters and reports use; triggers that keep the tallies.

The tallies change in the same transaction as the interceptions they count,
whoever writes them (API, CSV import, admin tools). Each interception is
counted for its branch and once more under branch 0, "every branch", which
is what a report over the whole network reads. PostgreSQL tallies a whole
statement at once from its transition tables, in key order, so a bulk import
adds one row per month, branch and value instead of one per interception.
SQLite, which has only row triggers, adds each row as it is written.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T01:00:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "interception indexes; tallies kept by triggers"

INDEXES = [
    "CREATE UNIQUE INDEX interception_tally_key "
    "ON interception_tally (month, branch, status, breakdown, value)",
    "CREATE INDEX interception_tally_branch ON interception_tally (branch, month)",
    "CREATE INDEX interception_tally_breakdown ON interception_tally (breakdown, month)",
    "CREATE INDEX interception_branch_occurred_at ON interception (branch, occurred_at, id)",
    "CREATE INDEX interception_event ON interception (event)",
    "CREATE INDEX interception_fraud_type_occurred_at ON interception (fraud_type, occurred_at)",
    "CREATE INDEX interception_logged_by ON interception (logged_by)",
]

BREAKDOWNS = ("fraud_type", "channel", "victim_age_band")
_KEY = "month, branch, status, breakdown, value"
_ADD = "n = interception_tally.n + excluded.n, fen = interception_tally.fen + excluded.fen"

SQLITE_MONTH = "strftime('%Y-%m', {row}.occurred_at, '+8 hours')"
POSTGRES_MONTH = "to_char({row}.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


def _sqlite_values(row: str, sign: str) -> str:
    month = SQLITE_MONTH.format(row=row)
    amount = f"{sign}1, {sign}{row}.amount_saved_fen"
    values = []
    for branch in (f"{row}.branch", "0"):
        common = f"{month}, {branch}, {row}.status"
        values.append(f"({common}, 'total', '', {amount})")
        values += [f"({common}, '{b}', {row}.{b}, {amount})" for b in BREAKDOWNS]
    return (
        f"INSERT INTO interception_tally ({_KEY}, n, fen) VALUES {', '.join(values)} "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET {_ADD};"
    )


SQLITE_TRIGGERS = [
    "CREATE TRIGGER interception_tally_insert AFTER INSERT ON interception "
    f"BEGIN {_sqlite_values('NEW', '')} END",
    "CREATE TRIGGER interception_tally_delete AFTER DELETE ON interception "
    f"BEGIN {_sqlite_values('OLD', '-')} END",
    "CREATE TRIGGER interception_tally_update AFTER UPDATE OF "
    "occurred_at, branch, status, fraud_type, channel, victim_age_band, amount_saved_fen "
    f"ON interception BEGIN {_sqlite_values('OLD', '-')} {_sqlite_values('NEW', '')} END",
]


def _changed(source: str, sign: str) -> str:
    return (
        f"SELECT {POSTGRES_MONTH.format(row=source)} AS month, branch, status, fraud_type, "
        f"channel, victim_age_band, {sign}1 AS n, {sign}amount_saved_fen AS fen FROM {source}"
    )


def _postgres_tally(*sources: str) -> str:
    unpivot = ", ".join(["('total', '')", *(f"('{b}', changed.{b})" for b in BREAKDOWNS)])
    return (
        f"INSERT INTO interception_tally ({_KEY}, n, fen) "
        "SELECT changed.month, every.branch, changed.status, b.breakdown, b.value, "
        "SUM(changed.n), SUM(changed.fen) "
        f"FROM ({' UNION ALL '.join(sources)}) AS changed "
        f"CROSS JOIN LATERAL (VALUES {unpivot}) AS b(breakdown, value) "
        "CROSS JOIN LATERAL (VALUES (changed.branch), (0)) AS every(branch) "
        "GROUP BY 1, 2, 3, 4, 5 HAVING SUM(changed.n) <> 0 OR SUM(changed.fen) <> 0 "
        "ORDER BY 1, 2, 3, 4, 5 "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET {_ADD};"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION interception_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_postgres_tally(_changed("new_rows", ""))}
    ELSIF TG_OP = 'DELETE' THEN
        {_postgres_tally(_changed("old_rows", "-"))}
    ELSE
        {_postgres_tally(_changed("new_rows", ""), _changed("old_rows", "-"))}
    END IF;
    RETURN NULL;
END
$$
"""

POSTGRES_TRIGGERS = [
    POSTGRES_FUNCTION,
    "CREATE TRIGGER interception_tally_insert AFTER INSERT ON interception "
    "REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION interception_tally_apply()",
    "CREATE TRIGGER interception_tally_delete AFTER DELETE ON interception "
    "REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION interception_tally_apply()",
    "CREATE TRIGGER interception_tally_update AFTER UPDATE ON interception "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION interception_tally_apply()",
]


def backfill(month: str) -> str:
    """The tallies of the interceptions already there, as one statement."""
    rows = " UNION ALL ".join(
        f"SELECT {month.format(row='interception')} AS month, {branch} AS branch, status, "
        f"'{name}' AS breakdown, {value} AS value, COUNT(*), SUM(amount_saved_fen) "
        f"FROM interception GROUP BY 1, 2, 3, 4, 5"
        for name, value in [("total", "''"), *((b, b) for b in BREAKDOWNS)]
        for branch in ("branch", "0")
    )
    return f"INSERT INTO interception_tally ({_KEY}, n, fen) {rows}"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="interceptions", description=DESCRIPTION)

    async def run():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in INDEXES:
            await RawTable.raw(statement)
        for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
            await RawTable.raw(statement)
        await RawTable.raw(backfill(POSTGRES_MONTH if postgres else SQLITE_MONTH))

    async def run_backwards():
        for name in ("insert", "delete", "update"):
            await RawTable.raw(
                f"DROP TRIGGER interception_tally_{name} ON interception"
                if isinstance(RawTable._meta.db, PostgresEngine)
                else f"DROP TRIGGER interception_tally_{name}"
            )
        if isinstance(RawTable._meta.db, PostgresEngine):
            await RawTable.raw("DROP FUNCTION interception_tally_apply()")
        for statement in reversed(INDEXES):
            await RawTable.raw("DROP INDEX " + statement.split(" INDEX ")[1].split(" ")[0])

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
