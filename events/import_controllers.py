"""HTTP surface of calendar import: an address or an uploaded .ics → draft events."""

from typing import Annotated, Any

import msgspec
from litestar import Request, post
from litestar.datastructures import UploadFile
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK

from accounts.guards import caller_of, requires_coordinator
from core.errors import Unprocessable
from events.ics_fetch import FetchLimits, fetch_calendar
from events.ics_import import import_calendar
from events.schemas import CalendarImportRejection, CalendarImportResult

# Multipart uploads need more room than JSON bodies; the .ics itself is limited below.
# The multipart body around an .ics file; the file itself is held to FetchLimits.max_bytes.
_UPLOAD_LIMIT = 32 * 1024 * 1024


# The .ics itself as the body (curl --data-binary @events.ics -H "Content-Type: text/calendar").
_RAW_TYPES = {"text/calendar", "application/octet-stream", "text/plain"}


_SHOWN = 5


class CalendarUrlIn(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    branch_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


def _branch_id(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise Unprocessable("branch_id must be the id of a branch.")
    return int(text)


@post(
    "/api/imports/calendar",
    operation_id="importCalendar",
    tags=["events"],
    guards=[requires_coordinator],
    status_code=HTTP_200_OK,
    request_max_body_size=_UPLOAD_LIMIT,
    responses={
        422: ResponseSpec(CalendarImportRejection, description="Nothing imported; per-event errors")
    },
    description=(
        'Send JSON `{"url": "https://…", "branch_id": 3}` (branch_id optional: your own '
        "branch), a multipart form with the .ics in `file` (and optional `branch_id`), or "
        "the .ics itself with `Content-Type: text/calendar` (`?branch_id=`). Answers the "
        "counts created / updated / unchanged / skipped and each event's id. Every event "
        "passes the checks of `POST /api/events`; if one fails, nothing is imported and the "
        "422 lists each failing event. A re-import updates an event when the source is newer; "
        "a published event that changes gets a higher sequence, and the change is in its "
        "history. With `?dry_run=true` the same checks run and nothing is kept: the answer "
        "says what the import would create or update."
    ),
)
async def import_calendar_file(
    request: Request,
    dry_run: Annotated[
        bool,
        QueryParameter(description="true: check and answer what the import would do; keep nothing"),
    ] = False,
) -> CalendarImportResult:
    """Import a calendar (JSON `{url}` or a multipart `file`) as drafts, deduplicated by UID."""
    caller = caller_of(request)
    assert caller is not None, "guarded by requires_coordinator"
    limits: FetchLimits = getattr(request.app.state.get("settings"), "fetch_limits", FetchLimits())
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable("Send the .ics file in the form field `file`.")
        data = await upload.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise Unprocessable(
                "The calendar is larger than the {megabytes:g} MB an import may be.",
                megabytes=limits.max_bytes / 1024 / 1024,
            )
        branch_id = _branch_id(form.get("branch_id"), caller.branch_id)
    elif content_type.startswith("application/json"):
        try:
            body = msgspec.json.decode(await request.body(), type=CalendarUrlIn)
        except msgspec.ValidationError as exc:
            raise Unprocessable("The request is not valid — {exc}", exc=exc) from exc
        except msgspec.DecodeError as exc:
            raise Unprocessable("The request body is not valid JSON.") from exc
        data = await fetch_calendar(body.url, limits)
        branch_id = body.branch_id or caller.branch_id
    elif content_type.split(";", 1)[0].strip() in _RAW_TYPES:
        data = await request.body()
        if len(data) > limits.max_bytes:
            raise Unprocessable(
                "The calendar is larger than the {megabytes:g} MB an import may be.",
                megabytes=limits.max_bytes / 1024 / 1024,
            )
        branch_id = _branch_id(request.query_params.get("branch_id"), caller.branch_id)
    else:
        raise Unprocessable(
            'Send JSON {"url": ...} or a multipart form with the .ics file in `file`.'
        )
    return await import_calendar(caller, branch_id, data, dry_run=dry_run)


routes: list[Any] = [import_calendar_file]
