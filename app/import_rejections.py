"""A refused import, answered in the caller's language: a summary, then every problem.

Each row or event error carries the Message of its reason (an attribute the
JSON leaves out), so the reasons are worded from the catalog as every other
error is; a reason without one is looked up as it stands.
"""

from typing import TypeVar

import msgspec
from litestar import MediaType, Request, Response
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from app.error_language import error_locale, render, separator
from core.errors import Message, message_of
from events.ics_store import CalendarImportRejectedError
from events.schemas import CalendarImportRejection, CalendarRowError
from interceptions.csv_import import ImportRejectedError
from interceptions.schemas import InterceptionImportRejection, InterceptionRowError

_SHOWN = 5
RowError = TypeVar("RowError", InterceptionRowError, CalendarRowError)


def worded_errors(errors: list[RowError], locale: str) -> list[RowError]:
    """The errors with their reasons in `locale`."""
    worded = []
    for error in errors:
        reason = render(message_of(getattr(error, "message", error.reason)), locale)
        worded.append(msgspec.structs.replace(error, reason=reason))
    return worded


def _more(count: int, locale: str) -> str:
    if count <= _SHOWN:
        return ""
    return render(Message(" (and {count} more)", count=count - _SHOWN), locale)


def interception_rejection(
    request: Request, exc: ImportRejectedError
) -> Response[InterceptionImportRejection]:
    locale = error_locale(request)
    errors = worded_errors(exc.errors, locale)
    shown = separator(locale).join(
        render(
            Message("row {row}, {column}: {reason}", row=e.row, column=e.column, reason=e.reason)
            if e.column
            else Message("row {row}: {reason}", row=e.row, reason=e.reason),
            locale,
        )
        for e in errors[:_SHOWN]
    )
    rows, more = exc.rows_with_problems, _more(len(errors), locale)
    summary = (
        Message(
            "Nothing was imported: {count} row has a problem. {shown}{more}.",
            count=rows,
            shown=shown,
            more=more,
        )
        if rows == 1
        else Message(
            "Nothing was imported: {count} rows have problems. {shown}{more}.",
            count=rows,
            shown=shown,
            more=more,
        )
    )
    detail = render(summary, locale)
    return Response(
        InterceptionImportRejection(
            status_code=HTTP_422_UNPROCESSABLE_ENTITY, detail=detail, errors=errors
        ),
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        media_type=MediaType.JSON,
    )


def calendar_rejection(
    request: Request, exc: CalendarImportRejectedError
) -> Response[CalendarImportRejection]:
    locale = error_locale(request)
    errors = worded_errors(exc.errors, locale)
    shown = separator(locale).join(
        render(
            Message(
                "event {event} “{title}”: {reason}", event=e.event, title=e.title, reason=e.reason
            )
            if e.title
            else Message("event {event}: {reason}", event=e.event, reason=e.reason),
            locale,
        )
        for e in errors[:_SHOWN]
    )
    count, more = len(errors), _more(len(errors), locale)
    summary = (
        Message(
            "Nothing was imported: {count} event has a problem. {shown}{more}",
            count=count,
            shown=shown,
            more=more,
        )
        if count == 1
        else Message(
            "Nothing was imported: {count} events have problems. {shown}{more}",
            count=count,
            shown=shown,
            more=more,
        )
    )
    detail = render(summary, locale)
    return Response(
        CalendarImportRejection(
            status_code=HTTP_422_UNPROCESSABLE_ENTITY, detail=detail, errors=errors
        ),
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        media_type=MediaType.JSON,
    )
