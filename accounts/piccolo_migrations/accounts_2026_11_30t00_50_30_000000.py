import hashlib
import secrets

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Integer, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T00:50:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "private calendar tokens kept as seed + digest; sign-in throttle"


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="accounts", description=DESCRIPTION
    )

    async def calendar_tokens_hashed():
        # The plain tokens go: every user gets a fresh seed and an address that
        # works once the app shows it again (GET /api/users/me).
        await RawTable.raw(
            "ALTER TABLE app_user RENAME COLUMN calendar_token TO calendar_token_hash"
        )
        await RawTable.raw(
            "ALTER TABLE app_user ADD COLUMN calendar_seed VARCHAR(64) NOT NULL DEFAULT ''"
        )
        for row in await RawTable.raw("SELECT id FROM app_user"):
            await RawTable.raw(
                "UPDATE app_user SET calendar_seed = {}, calendar_token_hash = {} WHERE id = {}",
                secrets.token_urlsafe(32),
                hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                row["id"],
            )

    manager.add_raw(calendar_tokens_hashed)

    manager.add_table(
        class_name="LoginThrottle", tablename="login_throttle", schema=None, columns=None
    )

    common = {
        "null": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    manager.add_column(
        table_class_name="LoginThrottle",
        tablename="login_throttle",
        column_name="key",
        db_column_name="key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={**common, "length": 64, "default": "", "primary_key": True},
        schema=None,
    )
    manager.add_column(
        table_class_name="LoginThrottle",
        tablename="login_throttle",
        column_name="attempts",
        db_column_name="attempts",
        column_class_name="Integer",
        column_class=Integer,
        params={**common, "default": 0, "primary_key": False},
        schema=None,
    )
    manager.add_column(
        table_class_name="LoginThrottle",
        tablename="login_throttle",
        column_name="window_start",
        db_column_name="window_start",
        column_class_name="BigInt",
        column_class=BigInt,
        params={**common, "default": 0, "primary_key": False},
        schema=None,
    )

    return manager
