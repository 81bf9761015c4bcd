from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outreach travel on events; the occurrence table"


class Event(Table, tablename="event", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False)


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

    def event_column(name, column_class, **params):
        manager.add_column(
            table_class_name="Event",
            tablename="event",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(**params),
            schema=None,
        )

    event_column("travel_km_tenths", Integer, default=None, null=True)
    event_column("remote_area", Boolean, default=False)
    event_column("occurrences_until", Timestamptz, default=None, null=True)

    manager.add_table(class_name="Occurrence", tablename="occurrence", schema=None, columns=None)

    def column(name, column_class, **params):
        manager.add_column(
            table_class_name="Occurrence",
            tablename="occurrence",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(**params),
            schema=None,
        )

    column("id", Serial, primary_key=True)
    column(
        "event",
        ForeignKey,
        references=Event,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
    )
    column("starts_at", Timestamptz, default=None)
    column("ends_at", Timestamptz, default=None)
    column("branch", Integer, default=0)
    column("campaign", Integer, default=None, null=True)
    column("kind", Varchar, length=32, default="")
    column("status", Varchar, length=16, default="")
    column("visibility", Varchar, length=16, default="")
    column("travel_km_tenths", Integer, default=None, null=True)
    column("remote_area", Boolean, default=False)
    return manager
