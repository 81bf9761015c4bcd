"""Every error leaves as JSON with a `detail` a coordinator can read, in their language.

Each handler words the error as a catalog message (core/errors.py) and renders
it in the caller's language (app/error_language.py).
"""

import errno
import logging
import sqlite3
from typing import Any

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from app import validation_messages
from app.error_language import error_locale, render, separator
from app.import_rejections import calendar_rejection, interception_rejection
from core.errors import Message, Translatable, message_of
from events.ics_store import CalendarImportRejectedError
from interceptions.csv_import import ImportRejectedError

log = logging.getLogger("fangzha")


def _explain_validation(exc: ValidationException, locale: str) -> str:
    found = validation_messages.problems(exc.extra if isinstance(exc.extra, list) else [])
    if not found:
        if not exc.detail:
            return render(Message("The request is not valid."), locale)
        return render(validation_messages.problem_message(str(exc.detail)), locale)
    listed = separator(locale).join(render(problem, locale) for problem in found)
    return render(Message("The request is not valid — {problems}", problems=listed), locale)


def validation_error(request: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    detail = _explain_validation(exc, error_locale(request))
    body: dict[str, Any] = {"status_code": HTTP_400_BAD_REQUEST, "detail": detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.JSON)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def _explain_http(request: Request, exc: HTTPException) -> Message:
    """Litestar's own errors say "Not Found" and the like; say what it means instead."""
    if isinstance(exc, Translatable):
        return exc.message
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        handler = request.scope.get("route_handler")
        limit = (
            handler.resolve_request_max_body_size()
            if isinstance(handler, HTTPRouteHandler)
            else None
        )
        if limit:
            return Message("The request body is too large (limit {limit}).", limit=_size(limit))
        return Message("The request body is too large.")
    if isinstance(exc.__cause__, SerializationException):
        # msgspec's words ("Input data was truncated") are about bytes, not what to do.
        return Message("The request body is not valid JSON ({problem}).", problem=exc.detail)
    if exc.status_code == HTTP_404_NOT_FOUND and exc.detail == "Not Found":
        return Message("There is nothing at {path}.", path=request.url.path)
    if exc.status_code == HTTP_405_METHOD_NOT_ALLOWED and exc.detail == "Method Not Allowed":
        return Message(
            "{method} is not possible on {path}.", method=request.method, path=request.url.path
        )
    # Litestar's exceptions raised with a constant text of ours: the text is the template.
    return message_of(str(exc.detail) or "The request could not be handled.")


def http_error(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    detail = render(_explain_http(request, exc), error_locale(request))
    body: dict[str, Any] = {"status_code": exc.status_code, "detail": detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(
        body, status_code=exc.status_code, headers=exc.headers, media_type=MediaType.JSON
    )


def unstorable_value(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """The database refused a value (a NUL character, a number out of range).

    Schemas should refuse such input first; this keeps a missed case a clear 400.
    """
    log.warning("Unstorable value on %s %s: %s", request.method, request.url.path, exc)
    detail = Message(
        "A value in the request cannot be stored: text may not contain NUL "
        "characters and numbers must be within range."
    )
    return Response(
        {"status_code": HTTP_400_BAD_REQUEST, "detail": render(detail, error_locale(request))},
        status_code=HTTP_400_BAD_REQUEST,
        media_type=MediaType.JSON,
    )


def integrity_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """Two requests raced past a service's own check and the database said no.

    Services check uniqueness and references first and answer their own 409/422;
    this keeps the loser of a race a clear answer instead of a 500.
    """
    log.warning("Integrity error on %s %s: %s", request.method, request.url.path, exc)
    message = str(exc).lower()
    if isinstance(exc, asyncpg.exceptions.UniqueViolationError) or "unique" in message:
        status = HTTP_409_CONFLICT
        detail = Message("This record already exists (it must be unique).")
    else:
        status = HTTP_422_UNPROCESSABLE_ENTITY
        detail = Message("This refers to a record that does not exist, or is still in use.")
    return Response(
        {"status_code": status, "detail": render(detail, error_locale(request))},
        status_code=status,
        media_type=MediaType.JSON,
    )


def unexpected_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = Message("Something went wrong on our side; it has been logged.")
    return Response(
        {
            "status_code": HTTP_500_INTERNAL_SERVER_ERROR,
            "detail": render(detail, error_locale(request)),
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


# What a failing part of the system means to the user, and when to try again (seconds).
_STORAGE_FULL = (
    Message(
        "The server has run out of storage space, so nothing was saved. Reading still works; "
        "please try again later (the operators see this in the server log)."
    ),
    300,
)
_READ_ONLY = (
    Message(
        "The database accepts no changes at the moment (it is read-only for maintenance or a "
        "switch-over), so nothing was saved. Reading still works; please try again in a minute."
    ),
    60,
)
_STORAGE_FAILING = (
    Message(
        "The server could not read or write its database (a disk error), so the request was "
        "not carried out. Please try again later (the operators see this in the server log)."
    ),
    60,
)
_UNREACHABLE = (
    Message(
        "The database cannot be reached at the moment, so the request was not carried out. "
        "Please try again shortly."
    ),
    15,
)
_BUSY = (
    Message(
        "The database is too busy to answer at the moment, so the request was not carried "
        "out. Please try again in a few seconds."
    ),
    5,
)

_SQLITE = {
    sqlite3.SQLITE_FULL: _STORAGE_FULL,
    sqlite3.SQLITE_READONLY: _READ_ONLY,
    sqlite3.SQLITE_IOERR: _STORAGE_FAILING,
    sqlite3.SQLITE_CANTOPEN: _UNREACHABLE,
    sqlite3.SQLITE_BUSY: _BUSY,
    sqlite3.SQLITE_LOCKED: _BUSY,
}
_OS = {
    errno.ENOSPC: _STORAGE_FULL,
    errno.EDQUOT: _STORAGE_FULL,
    errno.EROFS: _READ_ONLY,
    errno.EIO: _STORAGE_FAILING,
}


def _unavailability(exc: Exception) -> tuple[Message, int] | None:
    """The meaning of an error that says a part of the system is down, full or read-only."""
    if isinstance(exc, sqlite3.OperationalError):
        # The primary result code is the low byte of the extended one Python reports.
        return _SQLITE.get(getattr(exc, "sqlite_errorcode", -1) & 0xFF)
    if isinstance(exc, asyncpg.exceptions.DiskFullError):
        return _STORAGE_FULL
    if isinstance(exc, asyncpg.exceptions.ReadOnlySQLTransactionError):
        return _READ_ONLY
    if isinstance(
        exc, asyncpg.exceptions.InsufficientResourcesError | asyncpg.exceptions.QueryCanceledError
    ):
        return _BUSY  # too many connections, out of memory, a statement cancelled
    if isinstance(
        exc,
        asyncpg.exceptions.PostgresConnectionError | asyncpg.exceptions.OperatorInterventionError,
    ):
        return _UNREACHABLE  # no connection, or the server is shutting down or starting
    if isinstance(exc, asyncpg.exceptions.InterfaceError | asyncpg.exceptions.InternalClientError):
        # The client's side of a connection the server dropped (a restart, a terminated
        # session): asyncpg notices on the next use, in the middle of a request.
        return _UNREACHABLE
    if isinstance(exc, ConnectionError | TimeoutError):
        return _UNREACHABLE  # refused, reset, or no answer in time when connecting
    if isinstance(exc, OSError):
        return _OS.get(exc.errno or 0)
    return None


def service_unavailable(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """A full disk, a read-only or unreachable database: 503 and when to retry, not a 500.

    Nothing was written (the transaction rolled back), so the client may safely
    send the same request again; errors that mean something else stay 500s.
    """
    meaning = _unavailability(exc)
    if meaning is None:
        return unexpected_error(request, exc)
    detail, retry_after = meaning
    log.error(
        "Service unavailable on %s %s: %s: %s",
        request.method,
        request.url.path,
        type(exc).__name__,
        exc,
    )
    return Response(
        {
            "status_code": HTTP_503_SERVICE_UNAVAILABLE,
            "detail": render(detail, error_locale(request)),
        },
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(retry_after)},
        media_type=MediaType.JSON,
    )


exception_handlers: Any = {
    # Refused imports list every problem beside the summary (app/import_rejections.py).
    ImportRejectedError: interception_rejection,
    CalendarImportRejectedError: calendar_rejection,
    ValidationException: validation_error,
    HTTPException: http_error,
    # Class 22 "data exception": the value sent, not the server, is at fault.
    asyncpg.exceptions.DataError: unstorable_value,
    # SQLite's driver refuses integers beyond 64 bits before the query runs.
    OverflowError: unstorable_value,
    asyncpg.exceptions.IntegrityConstraintViolationError: integrity_error,
    sqlite3.IntegrityError: integrity_error,
    sqlite3.OperationalError: service_unavailable,
    asyncpg.exceptions.InsufficientResourcesError: service_unavailable,
    asyncpg.exceptions.ReadOnlySQLTransactionError: service_unavailable,
    asyncpg.exceptions.OperatorInterventionError: service_unavailable,
    asyncpg.exceptions.PostgresConnectionError: service_unavailable,
    asyncpg.exceptions.InterfaceError: service_unavailable,
    asyncpg.exceptions.InternalClientError: service_unavailable,
    OSError: service_unavailable,
    Exception: unexpected_error,
}
