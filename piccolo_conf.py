"""Piccolo's database and app registry, read from the environment.

`DATABASE_URL=postgres://…` selects PostgreSQL; anything else means the
embedded SQLite file (``FANGZHA_SQLITE_PATH``, default ``data/fangzha.sqlite``).
With PostgreSQL, ``DATABASE_REPLICA_URL`` names a streaming replica for the
reads that can bear its lag (core/replica.py).
"""

import contextlib
import os
from pathlib import Path

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from core.replica import PrimaryWithReplica
from core.sqlite_engine import OneHopSQLiteEngine

# The file holds interceptions and password hashes: only the service's own user
# may read it. SQLite gives the -wal and -shm files the mode of the database file.
PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def private_sqlite_file(path: Path) -> None:
    """Creates the database file readable by its owner only, and tightens an existing one."""
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if companion.stat().st_mode & 0o077:
                companion.chmod(PRIVATE_FILE)
        except FileNotFoundError:
            continue
        except PermissionError:
            # Someone else's file (a read-only deployment): leave it as its owner set it.
            continue


def _engine() -> PostgresEngine | OneHopSQLiteEngine:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        replica = os.environ.get("DATABASE_REPLICA_URL", "").strip()
        if replica:
            return PrimaryWithReplica(url, replica)
        return PostgresEngine(config={"dsn": url})
    path = Path(os.environ.get("FANGZHA_SQLITE_PATH", "data/fangzha.sqlite"))
    private_sqlite_file(path)
    # A generous busy timeout: staff on slow links retry, and SQLite serialises writers.
    return OneHopSQLiteEngine(path=str(path), timeout=30)


DB = _engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "accounts.piccolo_app",
        "events.piccolo_app",
        "interceptions.piccolo_app",
        "app.demo.piccolo_app",
        # Piccolo Admin's shadow users and their sessions (see app/admin.py).
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ]
)
