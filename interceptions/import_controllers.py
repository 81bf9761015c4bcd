"""HTTP surface of the interception CSV import."""

import os

from litestar import Controller, MediaType, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_422_UNPROCESSABLE_ENTITY

from accounts.guards import caller_of, requires_staff
from core.errors import Unprocessable
from interceptions.csv_import import ImportRejectedError, import_csv
from interceptions.schemas import ImportRejection, ImportResult

# A 10,000-row file is a few MB: far above the JSON limit, so uploads get their own.
UPLOAD_LIMIT = int(os.environ.get("FANGZHA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
_SHOWN = 5


async def read_upload(request: Request) -> bytes:
    """The CSV bytes: a multipart field `file`, or the raw body (text/csv)."""
    content_type, _ = request.content_type
    if content_type == RequestEncodingType.MULTI_PART:
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            return await upload.read()
        if isinstance(upload, str):
            return upload.encode()
        raise Unprocessable("Send the CSV file in the multipart field named `file`.")
    body = await request.body()
    if not body:
        raise Unprocessable("Send a CSV file: multipart field `file`, or a text/csv body.")
    return body


def rejection(_: Request, exc: ImportRejectedError) -> Response[ImportRejection]:
    """Every problem of every row, and a summary a coordinator can read."""
    errors = exc.errors
    rows = sorted({error.row for error in errors})
    shown = "; ".join(
        f"row {e.row}{f', {e.column}' if e.column else ''}: {e.reason}" for e in errors[:_SHOWN]
    )
    more = f" (and {len(errors) - _SHOWN} more)" if len(errors) > _SHOWN else ""
    noun = "row has a problem" if len(rows) == 1 else "rows have problems"
    return Response(
        ImportRejection(
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            detail=f"Nothing was imported: {len(rows)} {noun}. {shown}{more}.",
            errors=errors,
        ),
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        media_type=MediaType.JSON,
    )


class ImportController(Controller):
    path = "/api/imports/interceptions"
    tags = ["interceptions"]
    guards = [requires_staff]
    exception_handlers = {ImportRejectedError: rejection}

    @post(
        "/",
        operation_id="importInterceptions",
        request_max_body_size=UPLOAD_LIMIT,
        responses={
            200: ResponseSpec(ImportResult, description="dry_run: the file is valid"),
            422: ResponseSpec(ImportRejection, description="Nothing imported; per-row errors"),
        },
    )
    async def import_interceptions(
        self, request: Request, dry_run: FromQuery[bool] = False
    ) -> Response[ImportResult]:
        """Import a CSV of interceptions (multipart field `file` or a text/csv body): all or none.

        Header: client_ref, occurred_at, branch_code, channel, fraud_type, amount_saved,
        victim_age_band, description, event_id, attribution_note, police_case_no — or the
        Chinese titles of the export. UTF-8 with or without BOM. Rows whose client_ref is
        already stored are skipped and listed. `dry_run=true` only checks the file.
        """
        caller = caller_of(request)
        assert caller is not None, "guarded by requires_staff"
        result = await import_csv(caller, await read_upload(request), dry_run=dry_run)
        return Response(result, status_code=HTTP_200_OK if dry_run else HTTP_201_CREATED)
