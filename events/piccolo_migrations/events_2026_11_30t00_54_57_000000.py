from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import JSON, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table

ID = "2026-11-30T00:54:57:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only histories of events and of attendance"


class Event(Table, tablename="event", schema=None):
    id = Serial(primary_key=True)


class User(Table, tablename="app_user", schema=None):
    id = Serial(primary_key=True)


def _columns(with_occurrence: bool) -> list[tuple[str, type, dict]]:
    columns: list[tuple[str, type, dict]] = [
        ("id", Serial, {"primary_key": True}),
        ("event", ForeignKey, {"references": Event, "on_delete": OnDelete.restrict, "index": True}),
    ]
    if with_occurrence:
        columns.append(("occurrence_start", Timestamptz, {}))
    columns += [
        ("at", Timestamptz, {}),
        ("user", ForeignKey, {"references": User, "on_delete": OnDelete.restrict}),
        ("action", Varchar, {"length": 16}),
        ("changes", JSON, {"default": "{}"}),
    ]
    return columns


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for class_name, tablename, with_occurrence in (
        ("EventChange", "event_change", False),
        ("AttendanceChange", "attendance_change", True),
    ):
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in _columns(with_occurrence):
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
