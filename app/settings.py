"""Settings from the environment, read once at start-up."""

import os
from dataclasses import dataclass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    debug: bool
    # JSON bodies are small; uploads (CSV, .ics) get their own larger limit.
    max_body_bytes: int
    max_upload_bytes: int
    allow_private_fetch: bool

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            debug=_flag("FANGZHA_DEBUG"),
            max_body_bytes=int(os.environ.get("FANGZHA_MAX_BODY_BYTES", str(1024 * 1024))),
            max_upload_bytes=int(os.environ.get("FANGZHA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
            allow_private_fetch=_flag("FANGZHA_ALLOW_PRIVATE_FETCH"),
        )
