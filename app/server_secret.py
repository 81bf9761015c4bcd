"""The server's secret key: from FANGZHA_SECRET_KEY, else a file made once on first start.

It keys the private calendar addresses (accounts/calendar_tokens.py), so every
worker process must use the same one and it must survive restarts: the file
lives next to the database, readable by its owner only, and is created
atomically (a complete file appears under its name, or none), so workers
starting together agree on the first one written.
"""

import contextlib
import os
import secrets
from pathlib import Path

MIN_KEY_LENGTH = 32


def _read(path: Path) -> bytes:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise RuntimeError(f"The secret key file {path} is damaged; remove it to make a new one.")
    return key.encode()


def load_or_create_secret_key(path: Path) -> bytes:
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # Another worker may have made it first; then theirs counts.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()
    return _read(path)


def secret_key(configured: str, path: Path) -> bytes:
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise RuntimeError(
                f"FANGZHA_SECRET_KEY must be at least {MIN_KEY_LENGTH} characters long."
            )
        return configured.encode()
    return load_or_create_secret_key(path)
