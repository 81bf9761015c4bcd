from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T04:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "branch phone and poster note, for the public pages and posters"


def _params(**extra):
    return {
        "default": "",
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Branch",
        tablename="branch",
        column_name="phone",
        db_column_name="phone",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=40),
        schema=None,
    )
    manager.add_column(
        table_class_name="Branch",
        tablename="branch",
        column_name="poster_note",
        db_column_name="poster_note",
        column_class_name="Text",
        column_class=Text,
        params=_params(),
        schema=None,
    )
    return manager
