"""Gives each test run a database of its own: a SQLite file or a fresh PostgreSQL database."""

import asyncio
import os
import tempfile
import uuid

POSTGRES_ADMIN_DSN = os.environ.get(
    "FANGZHA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)


def backend() -> str:
    name = os.environ.get("FANGZHA_TEST_DB", "sqlite")
    if name not in {"sqlite", "postgres"}:
        raise SystemExit(f"FANGZHA_TEST_DB must be sqlite or postgres, not {name!r}")
    return name


async def _admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create() -> str:
    """Point DATABASE_URL or FANGZHA_SQLITE_PATH at a new, empty database; returns a label."""
    if backend() == "sqlite":
        folder = tempfile.mkdtemp(prefix="fangzha-test-")
        os.environ["FANGZHA_SQLITE_PATH"] = os.path.join(folder, "test.sqlite")
        os.environ.pop("DATABASE_URL", None)
        return f"SQLite {os.environ['FANGZHA_SQLITE_PATH']}"
    name = f"fangzha_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ["FANGZHA_TEST_PG_NAME"] = name
    return f"PostgreSQL database {name}"


def drop() -> None:
    name = os.environ.get("FANGZHA_TEST_PG_NAME")
    if backend() == "postgres" and name:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
