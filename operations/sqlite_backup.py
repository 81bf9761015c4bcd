"""SQLite: a consistent copy while the server serves and writes, and back.

SQLite's online backup API copies the database a few pages at a time. Left
alone it starts over whenever another connection writes, which a busy server
may do faster than a large copy finishes; so the copy runs inside one read
transaction, which pins the snapshot of its first page: every page comes from
the same moment, and in WAL mode the server's writers carry on meanwhile.
"""

import sqlite3
from pathlib import Path

from operations.backup_files import BackupError, Say, new_private_file, size_text

# 256 pages of 4 KiB: 1 MiB per step, a progress line every tenth of the copy.
PAGES_PER_STEP = 256
# A busy writer (a bulk import) holds the database at most this long.
TIMEOUT_SECONDS = 30


class _Progress:
    def __init__(self, say: Say, verb: str) -> None:
        self.say = say
        self.verb = verb
        self.shown = -1

    def __call__(self, status: int, remaining: int, total: int) -> None:
        done = total - remaining
        tenth = done * 10 // total if total else 10
        if tenth > self.shown:
            self.shown = tenth
            self.say(f"  {self.verb} {done:,} of {total:,} pages ({done * 100 // max(total, 1)}%)")


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def backup_sqlite(database: Path, target: Path, *, replace: bool, say: Say) -> None:
    try:
        _backup(database, target, replace=replace, say=say)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database: {exc}.") from exc


def restore_sqlite(source: Path, database: Path, *, replace: bool, say: Say) -> None:
    try:
        _restore(source, database, replace=replace, say=say)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not restore {source}: {exc}.") from exc


def _backup(database: Path, target: Path, *, replace: bool, say: Say) -> None:
    if not database.exists():
        raise BackupError(f"There is no database at {database} to back up.")
    say(f"Backing up the SQLite database {database} to {target}")
    source = sqlite3.connect(database, timeout=TIMEOUT_SECONDS, isolation_level=None)
    try:
        with new_private_file(target, replace=replace) as partial:
            copy = sqlite3.connect(partial)
            try:
                source.execute("BEGIN")
                # The first read fixes the snapshot that the whole copy comes from.
                tables = _tables(source)
                if not tables:
                    raise BackupError(f"{database} holds no tables; there is nothing to back up.")
                source.backup(copy, pages=PAGES_PER_STEP, progress=_Progress(say, "copied"))
                source.execute("COMMIT")
                # One self-contained file: no -wal or -shm beside it when it is opened.
                copy.execute("PRAGMA journal_mode=DELETE")
                problem = copy.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise BackupError(f"The copy failed its check ({problem}); it was removed.")
            finally:
                copy.close()
    finally:
        source.close()
    say(f"Backup complete: {target} ({size_text(target)}, {len(tables)} tables).")


def _restore(source: Path, database: Path, *, replace: bool, say: Say) -> None:
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = _tables(backup)
        if "migration" not in tables:
            raise BackupError(f"{source} is a SQLite file but not a Fangzha backup.")
        target = sqlite3.connect(database, timeout=TIMEOUT_SECONDS)
        try:
            present = _tables(target)
            if present and not replace:
                raise BackupError(
                    f"The database {database} is not empty ({len(present)} tables). Restore "
                    "into an empty database, or pass --force to replace everything in it."
                )
            say(f"Restoring {source} into the SQLite database {database}")
            backup.backup(target, pages=PAGES_PER_STEP, progress=_Progress(say, "restored"))
            # The server reads while one request writes (app/database.py does the same).
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        backup.close()
    say(f"Restore complete: {len(tables)} tables, migrations included.")
