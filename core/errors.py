"""Errors a service raises; each becomes a 4xx with a `detail` a coordinator can read."""

from typing import Any

from litestar.exceptions import (
    ClientException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY


class NotFound(NotFoundException):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(detail=f"{what} {ident} was not found, or you may not see it.")


class Forbidden(PermissionDeniedException):
    pass


class Conflict(ClientException):
    status_code = HTTP_409_CONFLICT

    def __init__(self, detail: str, extra: dict[str, Any] | list[Any] | None = None) -> None:
        super().__init__(detail=detail, extra=extra)


class Unprocessable(ClientException):
    """The request was well-formed but breaks a rule of the domain."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, detail: str, extra: dict[str, Any] | list[Any] | None = None) -> None:
        super().__init__(detail=detail, extra=extra)
