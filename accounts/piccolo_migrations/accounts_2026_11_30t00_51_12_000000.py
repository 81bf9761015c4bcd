from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Serial
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T00:51:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "feed version: one counter bumped by every write a calendar feed shows"


def _params(**extra):
    return {
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

    manager.add_table(class_name="FeedVersion", tablename="feed_version", schema=None, columns=None)

    manager.add_column(
        table_class_name="FeedVersion",
        tablename="feed_version",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params=_params(primary_key=True),
        schema=None,
    )
    for name in ("version", "changed_at_unix"):
        manager.add_column(
            table_class_name="FeedVersion",
            tablename="feed_version",
            column_name=name,
            db_column_name=name,
            column_class_name="BigInt",
            column_class=BigInt,
            params=_params(default=0),
            schema=None,
        )

    return manager
