"""PostgreSQL: pg_dump's custom format while the server serves, pg_restore back.

pg_dump reads every table inside one snapshot, so the copy is consistent
while the server goes on writing. pg_restore runs in one transaction: a
restore that fails leaves the target database as it was.
"""

import asyncio
import glob
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from operations.backup_files import BackupError, Say, new_private_file, size_text

_USER_TABLES = (
    "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables "
    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
    "AND table_type = 'BASE TABLE' ORDER BY 1"
)
_DUMPING = re.compile(r'dumping contents of table "?([^"]+)"?')
_RESTORING = re.compile(r'processing data for table "?([^"]+)"?')


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else from Debian's versioned folders (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(re.sub(r"\D", "", Path(path).parents[1].name) or 0),
        reverse=True,
    )
    if versions:
        return versions[0]
    raise BackupError(
        f"{name} was not found; install PostgreSQL's client tools "
        "(Debian: apt-get install postgresql-client)."
    )


def libpq_target(dsn: str) -> tuple[str, dict[str, str]]:
    """The connection address for pg_dump/pg_restore, and the environment that carries its password.

    A password on the command line would be readable by every user of the
    machine (ps); in PGPASSWORD only this process and its children see it.
    """
    parts = urlsplit(dsn)
    env = dict(os.environ)
    if parts.password is None:
        return dsn, env
    env["PGPASSWORD"] = unquote(parts.password)
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    netloc = f"{user}@{host}" if user else host
    return urlunsplit(parts._replace(netloc=netloc)), env


async def _user_tables(dsn: str) -> list[str]:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        rows = await connection.fetch(_USER_TABLES)
    finally:
        await connection.close()
    return [row["name"] for row in rows]


async def _analyze(dsn: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _run_with_progress(
    command: list[str], env: dict[str, str], pattern: re.Pattern[str], total: int, say: Say
) -> None:
    """Runs a pg tool in verbose mode, turning its per-table lines into numbered progress."""
    process = subprocess.Popen(  # noqa: S603 - a PostgreSQL tool with our own arguments
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    problems: list[str] = []
    done = 0
    for line in process.stderr:
        found = pattern.search(line)
        if found:
            done += 1
            say(f"  table {done} of {total}: {found.group(1)}")
        elif "error" in line.lower() or "warning" in line.lower():
            problems.append(line.rstrip())
    if process.wait() != 0:
        raise BackupError("\n".join(problems[-10:]) or f"{Path(command[0]).name} failed.")


def backup_postgres(dsn: str, target: Path, *, replace: bool, say: Say) -> None:
    try:
        tables = asyncio.run(_user_tables(dsn))
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"Could not read the database: {exc}") from exc
    if not tables:
        raise BackupError("The database holds no tables; there is nothing to back up.")
    address, env = libpq_target(dsn)
    say(f"Backing up the PostgreSQL database {urlsplit(address).path.lstrip('/')} to {target}")
    with new_private_file(target, replace=replace) as partial:
        _run_with_progress(
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                "--verbose",
                f"--file={partial}",
                f"--dbname={address}",
            ],
            env,
            _DUMPING,
            len(tables),
            say,
        )
    say(f"Backup complete: {target} ({size_text(target)}, {len(tables)} tables).")


def _tables_in_dump(source: Path, env: dict[str, str]) -> int:
    listing = subprocess.run(  # noqa: S603 - a PostgreSQL tool with our own arguments
        [postgres_tool("pg_restore"), "--list", str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        raise BackupError(f"{source} cannot be read: {listing.stderr.strip()}")
    return sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)


def restore_postgres(source: Path, dsn: str, *, replace: bool, say: Say) -> None:
    address, env = libpq_target(dsn)
    name = urlsplit(address).path.lstrip("/")
    try:
        present = asyncio.run(_user_tables(dsn))
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(
            f"Could not open the database {name}: {exc}. Create it first (createdb {name})."
        ) from exc
    if present and not replace:
        raise BackupError(
            f"The database {name} is not empty ({len(present)} tables). Restore into an empty "
            "database (createdb), or pass --force to replace what the backup holds."
        )
    total = _tables_in_dump(source, env)
    say(f"Restoring {source} into the PostgreSQL database {name}")
    command = [
        postgres_tool("pg_restore"),
        "--verbose",
        "--exit-on-error",
        "--single-transaction",
        # The backup may come from another server, where other roles owned the tables.
        "--no-owner",
        "--no-privileges",
        f"--dbname={address}",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run_with_progress([*command, str(source)], env, _RESTORING, total, say)
    say("  updating the planner's statistics (ANALYZE)")
    asyncio.run(_analyze(dsn))
    say(f"Restore complete: {total} tables, migrations included.")
