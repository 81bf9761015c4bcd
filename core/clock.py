from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, to the second: stored instants compare equal across databases."""
    return datetime.now(UTC).replace(microsecond=0)
