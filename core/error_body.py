"""The one shape of every error answer, as the OpenAPI schema names it."""

from dataclasses import dataclass

import msgspec


class InputProblem(msgspec.Struct):
    """One field of the request that is not valid (a 400's `extra`)."""

    message: str
    key: str | None = None
    source: str | None = None


class ClashingEvent(msgspec.Struct):
    """An event a new or changed one clashes with, that the caller may see (a 409's `extra`)."""

    id: int
    title: str
    starts_at: str
    clash_at: str


# A dataclass, not a Struct: msgspec cannot describe a choice between two kinds of list.
@dataclass
class ErrorBody:
    """Every 4xx and 5xx: the status again, what is wrong in words, and details if any."""

    status_code: int
    detail: str
    extra: list[InputProblem] | list[ClashingEvent] | None = None
