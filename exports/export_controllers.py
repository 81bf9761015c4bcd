"""HTTP surface of the spreadsheet exports: events, attendance, interceptions as CSV or XLSX.

Each export takes the filters of its list and holds only the caller's branch subtree.
"""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from accounts.guards import requires_staff, signed_in
from core.clock import utcnow
from core.params import BranchCode, CampaignId, EventId, From, To
from events.listing import event_filter, query_window
from events.schemas import Kind
from events.schemas import Status as EventStatus
from exports import export_rows
from exports.spreadsheet import CSV_TYPE, XLSX_TYPE, Table, attachment, to_csv, to_xlsx
from interceptions.filters import build_filters
from interceptions.schemas import FraudType
from interceptions.schemas import Status as InterceptionStatus
from interceptions.views import DISPLAY_ZONE

Search = Annotated[
    str | None, QueryParameter(max_length=200, description="Text in title, venue or host")
]


class ExportRefused(msgspec.Struct):
    status_code: int
    detail: str


_TOO_MANY = {
    422: ResponseSpec(ExportRefused, description="A bad filter, or too many rows: narrow them")
}


def _file(table: Table, stem: str, ascii_stem: str, extension: str) -> Response[bytes]:
    day = utcnow().astimezone(DISPLAY_ZONE).strftime("%Y%m%d")
    body, media_type = (
        (to_csv(table), CSV_TYPE) if extension == "csv" else (to_xlsx(table), XLSX_TYPE)
    )
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": attachment(f"{stem}-{day}", f"{ascii_stem}-{day}", extension),
            # Personal and internal data: no shared cache may keep a copy.
            "Cache-Control": "private, no-store",
        },
    )


async def _events(
    request: Request,
    start: str | None,
    end: str | None,
    branch: str | None,
    campaign: int | None,
    kind: str | None,
    status: str | None,
    q: str | None,
) -> Table:
    f = event_filter(start, end, branch, campaign, kind, status, q)
    return await export_rows.event_table(signed_in(request), f)


async def _attendance(
    request: Request,
    start: str | None,
    end: str | None,
    branch: str | None,
    campaign: int | None,
    event: int | None,
) -> Table:
    window = query_window(start, end)
    f = export_rows.AttendanceFilter(
        start=window[0], end=window[1], branch=branch, campaign=campaign, event=event
    )
    return await export_rows.attendance_table(signed_in(request), f)


async def _interceptions(
    request: Request,
    start: str | None,
    end: str | None,
    branch: str | None,
    fraud_type: str | None,
    status: str | None,
    event: int | None,
) -> Table:
    filters = await build_filters(
        start=start, end=end, branch=branch, fraud_type=fraud_type, status=status, event=event
    )
    return await export_rows.interception_table(signed_in(request), filters)


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]
    guards = [requires_staff]

    @get("/events.csv", operation_id="exportEventsCsv", media_type=CSV_TYPE, responses=_TOO_MANY)
    async def events_csv(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        campaign: CampaignId = None,
        kind: FromQuery[Kind | None] = None,
        status: FromQuery[EventStatus | None] = None,
        q: Search = None,
    ) -> Response[bytes]:
        """Events of the caller's subtree as CSV (UTF-8 with BOM), with the events list filters."""
        table = await _events(request, start, end, branch, campaign, kind, status, q)
        return _file(table, "活动", "events", "csv")

    @get("/events.xlsx", operation_id="exportEventsXlsx", media_type=XLSX_TYPE, responses=_TOO_MANY)
    async def events_xlsx(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        campaign: CampaignId = None,
        kind: FromQuery[Kind | None] = None,
        status: FromQuery[EventStatus | None] = None,
        q: Search = None,
    ) -> Response[bytes]:
        """Events of the caller's subtree as an Excel workbook, with the events list filters."""
        table = await _events(request, start, end, branch, campaign, kind, status, q)
        return _file(table, "活动", "events", "xlsx")

    @get(
        "/attendance.csv",
        operation_id="exportAttendanceCsv",
        media_type=CSV_TYPE,
        responses=_TOO_MANY,
    )
    async def attendance_csv(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        campaign: CampaignId = None,
        event: EventId = None,
    ) -> Response[bytes]:
        """Attendance per occurrence in the caller's subtree as CSV; from/to on the start."""
        table = await _attendance(request, start, end, branch, campaign, event)
        return _file(table, "出勤", "attendance", "csv")

    @get(
        "/attendance.xlsx",
        operation_id="exportAttendanceXlsx",
        media_type=XLSX_TYPE,
        responses=_TOO_MANY,
    )
    async def attendance_xlsx(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        campaign: CampaignId = None,
        event: EventId = None,
    ) -> Response[bytes]:
        """Attendance per occurrence in the caller's subtree as an Excel workbook."""
        table = await _attendance(request, start, end, branch, campaign, event)
        return _file(table, "出勤", "attendance", "xlsx")

    @get(
        "/interceptions.csv",
        operation_id="exportInterceptionsCsv",
        media_type=CSV_TYPE,
        responses=_TOO_MANY,
    )
    async def interceptions_csv(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        fraud_type: FromQuery[FraudType | None] = None,
        status: FromQuery[InterceptionStatus | None] = None,
        event: EventId = None,
    ) -> Response[bytes]:
        """Interceptions of the caller's subtree as CSV; the file can be imported back."""
        table = await _interceptions(request, start, end, branch, fraud_type, status, event)
        return _file(table, "拦截记录", "interceptions", "csv")

    @get(
        "/interceptions.xlsx",
        operation_id="exportInterceptionsXlsx",
        media_type=XLSX_TYPE,
        responses=_TOO_MANY,
    )
    async def interceptions_xlsx(
        self,
        request: Request,
        start: From = None,
        end: To = None,
        branch: BranchCode = None,
        fraud_type: FromQuery[FraudType | None] = None,
        status: FromQuery[InterceptionStatus | None] = None,
        event: EventId = None,
    ) -> Response[bytes]:
        """Interceptions of the caller's subtree as an Excel workbook, same columns as the CSV."""
        table = await _interceptions(request, start, end, branch, fraud_type, status, event)
        return _file(table, "拦截记录", "interceptions", "xlsx")


routes: list[Any] = [ExportController]
