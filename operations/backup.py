"""`fangzha backup` and `fangzha restore`: the configured database, whichever it is."""

from pathlib import Path

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from operations.backup_files import BackupError, Say, backup_kind
from operations.postgres_backup import backup_postgres, restore_postgres
from operations.sqlite_backup import backup_sqlite, restore_sqlite


def _database() -> tuple[str, str]:
    """("sqlite", path) or ("postgres", dsn): the database the app is configured with."""
    engine = engine_finder()
    if isinstance(engine, SQLiteEngine):
        return "sqlite", str(engine.connection_kwargs["database"])
    if isinstance(engine, PostgresEngine) and "dsn" in engine.config:
        return "postgres", str(engine.config["dsn"])
    raise BackupError("Backups need the database given by DATABASE_URL or FANGZHA_SQLITE_PATH.")


def backup(target: Path, *, replace: bool, say: Say) -> None:
    """Writes a consistent copy of the database to `target` (mode 0600) while it serves."""
    kind, where = _database()
    if kind == "sqlite":
        backup_sqlite(Path(where), target, replace=replace, say=say)
    else:
        backup_postgres(where, target, replace=replace, say=say)


def restore(source: Path, *, replace: bool, say: Say) -> None:
    """Loads a backup into the configured database, which must be empty unless `replace`."""
    kind, where = _database()
    found = backup_kind(source)
    if found != kind:
        raise BackupError(
            f"{source} is a {found} backup, but the configured database is {kind}; "
            "set DATABASE_URL or FANGZHA_SQLITE_PATH to a database of its kind."
        )
    if kind == "sqlite":
        restore_sqlite(source, Path(where), replace=replace, say=say)
    else:
        restore_postgres(source, where, replace=replace, say=say)
