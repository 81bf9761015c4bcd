"""Piccolo's database and app registry, read from the environment.

`DATABASE_URL=postgres://…` selects PostgreSQL; anything else means the
embedded SQLite file (``FANGZHA_SQLITE_PATH``, default ``data/fangzha.sqlite``).
"""

import os
from pathlib import Path

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


def _engine() -> PostgresEngine | SQLiteEngine:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": url})
    path = Path(os.environ.get("FANGZHA_SQLITE_PATH", "data/fangzha.sqlite"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: staff on slow links retry, and SQLite serialises writers.
    return SQLiteEngine(path=str(path), timeout=30)


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
