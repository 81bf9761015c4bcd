"""Backup files: created readable by their owner only, complete or not at all.

A backup holds password hashes and interceptions, so it gets the database
file's own mode (0600) from the moment it exists. It is written under a
temporary name next to its destination and renamed when complete, so a
failed or interrupted backup never leaves a file that looks like one.
"""

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

PRIVATE_FILE = 0o600

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@contextlib.contextmanager
def new_private_file(target: Path, *, replace: bool) -> Iterator[Path]:
    """A fresh 0600 file to write into; renamed to `target` when the block succeeds."""
    if target.exists() and not replace:
        raise BackupError(f"{target} exists already; choose another name, or pass --force.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    try:
        yield partial
        # Tools that rewrite the file may have created it anew with the umask's mode.
        partial.chmod(PRIVATE_FILE)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def backup_kind(source: Path) -> str:
    """ "sqlite" or "postgres", from the first bytes of a backup file."""
    try:
        with source.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"There is no backup file at {source}.") from None
    except IsADirectoryError:
        raise BackupError(f"{source} is a folder, not a backup file.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(POSTGRES_MAGIC):
        return "postgres"
    raise BackupError(f"{source} is not a Fangzha backup (neither SQLite nor pg_dump custom).")


def size_text(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
