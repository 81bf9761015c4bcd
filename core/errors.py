"""Errors a service raises; each becomes a 4xx with a `detail` a coordinator can read.

A `detail` is an English template with named placeholders and its parameters;
app/errors.py looks the template up in the caller's language before filling
it in, so a translation may move the parameters where its grammar wants them.
"""

from typing import Any

from litestar.exceptions import (
    ClientException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY


class Translatable:
    """An English template and the values of its `{named}` placeholders."""

    template: str = ""
    params: dict[str, object]

    def _keep(self, template: str, params: dict[str, object]) -> str:
        self.template, self.params = template, params
        return template.format(**params) if params else template


class NotFound(Translatable, NotFoundException):
    def __init__(self, what: str, ident: object) -> None:
        # `what` is a noun of the catalog ("Event"); it is translated as well.
        super().__init__(
            detail=self._keep(
                "{what} {ident} was not found, or you may not see it.",
                {"what": Noun(what), "ident": ident},
            )
        )


class Forbidden(Translatable, PermissionDeniedException):
    def __init__(self, detail: str, **params: object) -> None:
        super().__init__(detail=self._keep(detail, params))


class Conflict(Translatable, ClientException):
    status_code = HTTP_409_CONFLICT

    def __init__(
        self, detail: str, extra: dict[str, Any] | list[Any] | None = None, **params: object
    ) -> None:
        super().__init__(detail=self._keep(detail, params), extra=extra)


class Unprocessable(Translatable, ClientException):
    """The request was well-formed but breaks a rule of the domain."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(
        self, detail: str, extra: dict[str, Any] | list[Any] | None = None, **params: object
    ) -> None:
        super().__init__(detail=self._keep(detail, params), extra=extra)


class Noun(str):
    """A word of the catalog passed as a parameter (translated with the message)."""


class DomainError(Translatable, ValueError):
    """A rule a caller has to correct, raised below the web layer; the message says how."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(self._keep(template, params))
