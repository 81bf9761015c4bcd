"""HTTP surface of the interception CSV import."""

import io
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import BinaryIO, cast

import anyio.to_thread
from litestar import Controller, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.guards import caller_of, requires_staff
from core.errors import Unprocessable
from core.metrics import imports_in_progress
from interceptions.csv_import import import_csv
from interceptions.csv_limits import MAX_BYTES
from interceptions.schemas import InterceptionImportRejection, InterceptionImportResult

# Every CSV the interceptions export writes can come back (interceptions/csv_limits.py).
UPLOAD_LIMIT = MAX_BYTES
_SHOWN = 5
# Uploads larger than this wait on disk, not in memory.
_SPOOL_BYTES = 1024 * 1024


@asynccontextmanager
async def uploaded_file(request: Request) -> AsyncIterator[BinaryIO]:
    """The CSV as a file: a multipart field `file`, or the raw body (text/csv)."""
    content_type, _ = request.content_type
    if content_type == RequestEncodingType.MULTI_PART:
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            yield cast(BinaryIO, upload.file)
            return
        if isinstance(upload, str):
            yield io.BytesIO(upload.encode())
            return
        raise Unprocessable("Send the CSV file in the multipart field named `file`.")
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            await anyio.to_thread.run_sync(spool.write, chunk)
        if not size:
            raise Unprocessable("Send a CSV file: multipart field `file`, or a text/csv body.")
        spool.seek(0)
        yield cast(BinaryIO, spool)


class ImportController(Controller):
    path = "/api/imports/interceptions"
    tags = ["interceptions"]
    guards = [requires_staff]

    @post(
        "/",
        operation_id="importInterceptions",
        request_max_body_size=UPLOAD_LIMIT,
        # A raw text/csv body is streamed to disk; its reader refuses NUL itself.
        opt={"reads_own_body": True},
        responses={
            200: ResponseSpec(InterceptionImportResult, description="dry_run: the file is valid"),
            422: ResponseSpec(
                InterceptionImportRejection, description="Nothing imported; per-row errors"
            ),
        },
    )
    async def import_interceptions(
        self, request: Request, dry_run: FromQuery[bool] = False
    ) -> Response[InterceptionImportResult]:
        """Import a CSV of interceptions (multipart field `file` or a text/csv body): all or none.

        Header: client_ref, occurred_at, branch_code, channel, fraud_type, amount_saved,
        victim_age_band, description, event_id, attribution_note, police_case_no — or the
        Chinese titles of the export. UTF-8 with or without BOM. Rows whose client_ref is
        already stored are skipped and listed, so an export imported back unchanged stores
        nothing. At most 1,000,000 rows and 512 MiB: every interceptions CSV export fits.
        `dry_run=true` only checks the file.
        """
        caller = caller_of(request)
        assert caller is not None, "guarded by requires_staff"
        with imports_in_progress.track_inprogress():
            async with uploaded_file(request) as file:
                result = await import_csv(caller, file, dry_run=dry_run)
        return Response(result, status_code=HTTP_200_OK if dry_run else HTTP_201_CREATED)
