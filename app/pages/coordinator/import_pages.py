"""Calendar import in the browser: an address or a file, a preview, then the import.

The preview is the import service's own dry run, so it shows exactly what the
import would create or update, and refuses what it would refuse. The calendar
that was previewed travels back with the confirmation (a hidden field), so the
import stores what the coordinator saw, even if the address changed since.
"""

import base64
import binascii
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from accounts.caller import Caller
from app.i18n import negotiate
from app.import_rejections import worded_errors
from app.pages.coordinator.common import branch_choices, coordinator, render, translated
from core.errors import Conflict, Forbidden, NotFound, Unprocessable
from events.ics_fetch import FetchLimits, fetch_calendar
from events.ics_import import CalendarImportRejectedError, import_calendar

# Room for a base64 calendar at the fetch limit; the calendar itself is checked below.
PAGE_UPLOAD_LIMIT = 32 * 1024 * 1024


def _limits(request: Request) -> FetchLimits:
    limits: FetchLimits = getattr(request.app.state.get("settings"), "fetch_limits", FetchLimits())
    return limits


class ImportPages(Controller):
    path = "/coordinator/import"
    include_in_schema = False

    async def _page(
        self, request: Request, caller: Caller, *, status_code: int = 200, **context: Any
    ) -> Template:
        context.setdefault("errors", {})
        context.setdefault("values", {"branch_id": str(caller.branch_id)})
        return render(
            request,
            "coordinator/import.html",
            status_code=status_code,
            branches=await branch_choices(caller),
            **context,
        )

    @get("/", operation_id="calendarImportPage")
    async def form(self, request: Request) -> Template | Redirect:
        """Choose a calendar by its address or as a file."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        return await self._page(request, caller)

    @post("/preview", operation_id="calendarImportPreview", request_max_body_size=PAGE_UPLOAD_LIMIT)
    async def preview(self, request: Request) -> Template | Redirect:
        """What the import would create or update; nothing is stored yet."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        form = await request.form()
        values = {
            "url": str(form.get("url") or "").strip(),
            "branch_id": str(form.get("branch_id") or ""),
        }
        limits = _limits(request)
        upload = form.get("file")
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read(limits.max_bytes + 1)
                if len(data) > limits.max_bytes:
                    raise Unprocessable(
                        "The calendar is larger than the {megabytes:g} MB an import may be.",
                        megabytes=limits.max_bytes / 1024 / 1024,
                    )
            elif values["url"]:
                data = await fetch_calendar(values["url"], limits)
            else:
                message = translated(request, "Give the calendar's address or choose its file.")
                return await self._page(
                    request, caller, status_code=422, values=values, errors={"source": message}
                )
        except Unprocessable as exc:
            errors = {"source": translated(request, exc)}
            return await self._page(request, caller, status_code=422, values=values, errors=errors)
        return await self._run(request, caller, values, data, dry_run=True)

    async def _run(
        self,
        request: Request,
        caller: Caller,
        values: dict[str, str],
        data: bytes,
        *,
        dry_run: bool,
    ) -> Template:
        branch = values.get("branch_id", "")
        branch_id = int(branch) if branch.isdigit() else caller.branch_id
        try:
            result = await import_calendar(caller, branch_id, data, dry_run=dry_run)
        except CalendarImportRejectedError as exc:
            return await self._page(
                request,
                caller,
                status_code=422,
                values=values,
                rejected=worded_errors(exc.errors, negotiate(request)),
            )
        except (Unprocessable, Forbidden, NotFound, Conflict) as exc:
            errors = {"source": translated(request, exc)}
            return await self._page(request, caller, status_code=422, values=values, errors=errors)
        return await self._page(
            request,
            caller,
            values=values,
            result=result,
            done=not dry_run,
            calendar=base64.b64encode(data).decode() if dry_run else "",
        )

    @post("/", operation_id="calendarImportConfirm", request_max_body_size=PAGE_UPLOAD_LIMIT)
    async def confirm(self, request: Request) -> Template | Redirect:
        """Import the calendar that was previewed."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        form = await request.form()
        values = {"url": str(form.get("url") or ""), "branch_id": str(form.get("branch_id") or "")}
        try:
            data = base64.b64decode(str(form.get("calendar") or ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data or len(data) > _limits(request).max_bytes:
            message = translated(request, "Give the calendar's address or choose its file.")
            return await self._page(
                request, caller, status_code=422, values=values, errors={"source": message}
            )
        return await self._run(request, caller, values, data, dry_run=False)
