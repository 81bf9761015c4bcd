from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Integer, Serial, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "monthly tallies of attendance for reports"


def _params(**values):
    base = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    base.update(values)
    return base


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    manager.add_table(
        class_name="AttendanceTally",
        tablename="attendance_tally",
        schema=None,
        columns=None,
    )

    def column(name, column_class, **params):
        manager.add_column(
            table_class_name="AttendanceTally",
            tablename="attendance_tally",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(**params),
            schema=None,
        )

    column("id", Serial, primary_key=True)
    column("month", Varchar, length=7, default="")
    column("branch", Integer, default=0)
    column("records", BigInt, default=0)
    column("people", BigInt, default=0)
    column("installs", BigInt, default=0)
    return manager
