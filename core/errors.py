"""Errors a service raises; each becomes a 4xx with a `detail` a coordinator can read.

A message is an English template with named placeholders and the values to
fill in. The English `detail` is filled in at once; app/errors.py looks the
template up in the caller's language (the Babel catalog the pages use) before
filling it in, so a translation may move the placeholders where its grammar
wants them. Templates are plain string literals at the raise site, so a test
can collect every one of them and check the catalog holds it.
"""

from typing import Any, TypeVar

from litestar.exceptions import (
    ClientException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY


class Message:
    """An English template and the values of its `{named}` placeholders."""

    __slots__ = ("params", "template")

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        return self.template.format(**self.params) if self.params else self.template


class Term(str):
    """A word of the catalog passed as a parameter, translated with the message.

    `context` is the catalog's msgctxt, so a field code ("title") and a word of the
    pages with the same spelling can be translated differently.
    """

    __slots__ = ()
    context = ""


class Noun(Term):
    """A noun such as "Event"."""

    __slots__ = ()


class Field(Term):
    """A field's code: shown as its label in a translation."""

    __slots__ = ()
    context = "field"


E = TypeVar("E")


def with_message(error: E, message: Message) -> E:
    """`error` (a row of a refused import) keeping its reason's Message beside its text."""
    error.message = message  # type: ignore[attr-defined]  # msgspec dict=True: not encoded
    return error


def message_of(source: "str | Message | BaseException") -> Message:
    """The message an error carries; a text without one is taken as its own template."""
    if isinstance(source, Message):
        return source
    carried = getattr(source, "message", None)
    if isinstance(carried, Message):
        return carried
    text = str(source)
    # Braces in a foreign text are not placeholders.
    return Message("{text}", text=text) if "{" in text else Message(text)


class Translatable:
    """An error whose `detail` is a Message (app/errors.py translates it)."""

    message: Message


class NotFound(Translatable, NotFoundException):
    def __init__(self, what: str, ident: object) -> None:
        # `what` is a noun of the catalog ("Event"); it is translated as well.
        self.message = Message(
            "{what} {ident} was not found, or you may not see it.", what=Noun(what), ident=ident
        )
        super().__init__(detail=str(self.message))


class Missing(Translatable, NotFoundException):
    """A 404 worded for the thing asked for (NotFound words records)."""

    def __init__(self, detail: str, **params: object) -> None:
        self.message = Message(detail, **params)
        super().__init__(detail=str(self.message))


class Forbidden(Translatable, PermissionDeniedException):
    def __init__(self, detail: str | Message, **params: object) -> None:
        self.message = detail if isinstance(detail, Message) else Message(detail, **params)
        super().__init__(detail=str(self.message))


class Conflict(Translatable, ClientException):
    status_code = HTTP_409_CONFLICT

    def __init__(
        self,
        detail: str | Message,
        extra: dict[str, Any] | list[Any] | None = None,
        **params: object,
    ) -> None:
        self.message = detail if isinstance(detail, Message) else Message(detail, **params)
        super().__init__(detail=str(self.message), extra=extra)


class Unprocessable(Translatable, ClientException):
    """The request was well-formed but breaks a rule of the domain."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(
        self,
        detail: str | Message,
        extra: dict[str, Any] | list[Any] | None = None,
        **params: object,
    ) -> None:
        self.message = detail if isinstance(detail, Message) else Message(detail, **params)
        super().__init__(detail=str(self.message), extra=extra)

    @classmethod
    def because(cls, error: BaseException) -> "Unprocessable":
        """A domain error (RecurrenceError, AmountError…) as a 422 with the same message."""
        return cls(message_of(error))


class TooManyRequests(Translatable, TooManyRequestsException):
    def __init__(
        self, detail: str, headers: dict[str, str] | None = None, **params: object
    ) -> None:
        self.message = Message(detail, **params)
        super().__init__(detail=str(self.message), headers=headers)


class DomainError(ValueError):
    """A rule a caller has to correct, raised below the web layer; the message says how."""

    def __init__(self, template: str | Message, **params: object) -> None:
        self.message = template if isinstance(template, Message) else Message(template, **params)
        super().__init__(str(self.message))
