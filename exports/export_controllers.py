"""HTTP surface of the spreadsheet exports: events, attendance, interceptions and the
per-event report as CSV or XLSX.

Each list has one handler for both formats, served at `<list>.csv` and
`<list>.xlsx`. The filters are checked before the answer starts; the file then
streams as rows are read, so an export of any size holds the server's memory
flat and leaves the event loop free.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Schema,
)
from litestar.response import Stream
from litestar.types import Method
from litestar.types.internal_types import PathParameterDefinition

from accounts.guards import requires_staff, signed_in
from core.api_operation import ApiOperation
from core.clock import utcnow
from core.error_body import ErrorBody
from core.errors import Unprocessable
from core.params import BranchCode, CampaignId, EventId, From, To
from core.window import parse_window
from events.filter_params import event_filters
from events.listing import EventFilter
from exports import export_rows
from exports.csv_file import csv_chunks
from exports.export_columns import ATTENDANCE, EVENTS, INTERCEPTIONS
from exports.impact_export import IMPACT, impact_pages
from exports.report_controllers import ImpactSort, ReportFilters, report_filters, report_scope
from exports.report_sql import one_snapshot
from exports.spreadsheet import CSV_TYPE, XLSX_TYPE, FileFormat, Sheet, attachment
from exports.xlsx_file import xlsx_chunks
from interceptions.csv_limits import too_large
from interceptions.display import DISPLAY_ZONE
from interceptions.filters import interception_filters
from interceptions.queries import Filters

_MEDIA_TYPES: dict[FileFormat, str] = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


_RESPONSES = {
    200: ResponseSpec(
        None,
        description="The file: CSV (UTF-8 with BOM) or an Excel workbook, as the path says",
    ),
    422: ResponseSpec(
        ErrorBody,
        description="A filter is not valid, or an interceptions CSV too large to import back",
    ),
}


def _operation_id(
    handler: HTTPRouteHandler, method: Method, path: list[str | PathParameterDefinition]
) -> str:
    """exportInterceptionsCsv, exportInterceptionsXlsx, … : one per path, as before."""
    stem, _, extension = str(path[-1]).partition(".")
    return f"export{stem.capitalize()}{extension.capitalize()}"


@dataclass
class FileOperation(ApiOperation):
    """An export's operation: its 200 answer names the media type of its own path."""

    def __post_init__(self) -> None:
        super().__post_init__()
        media_type = XLSX_TYPE if (self.operation_id or "").endswith("Xlsx") else CSV_TYPE
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            body = OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )
            self.responses = {
                **(self.responses or {}),
                "200": replace(ok, content={media_type: body}),
            }


def file_format(request: Request) -> FileFormat:
    """The format the path asks for: `.csv` or `.xlsx`."""
    return "xlsx" if request.url.path.endswith(".xlsx") else "csv"


async def attendance_filters(
    start: From = None,
    end: To = None,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    event: EventId = None,
) -> export_rows.AttendanceFilter:
    window = parse_window(start, end)
    return export_rows.AttendanceFilter(
        start=window.start, end=window.end, branch=branch, campaign=campaign, event=event
    )


def _file(sheet: Sheet, pages: export_rows.Pages, file_format: FileFormat) -> Stream:
    day = utcnow().astimezone(DISPLAY_ZONE).strftime("%Y%m%d")
    chunks: AsyncIterator[bytes] = (
        csv_chunks(sheet, pages) if file_format == "csv" else xlsx_chunks(sheet, pages)
    )
    return Stream(
        chunks,
        media_type=_MEDIA_TYPES[file_format],
        headers={
            "Content-Disposition": attachment(
                f"{sheet.stem}-{day}", f"{sheet.ascii_stem}-{day}", file_format
            ),
            # Personal and internal data: no shared cache may keep a copy.
            "Cache-Control": "private, no-store",
        },
    )


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]
    guards = [requires_staff]
    dependencies = {"file_format": Provide(file_format, sync_to_thread=False)}

    @get(
        ["/events.csv", "/events.xlsx"],
        summary="Export events",
        operation_id=_operation_id,
        operation_class=FileOperation,
        responses=_RESPONSES,
        dependencies={"filters": Provide(event_filters)},
    )
    async def export_events(
        self,
        request: Request,
        file_format: NamedDependency[FileFormat],
        filters: NamedDependency[EventFilter],
    ) -> Stream:
        """Events of the caller's subtree as CSV (UTF-8 with BOM) or an Excel workbook.

        Takes the events list's filters. In the workbook, times are Excel dates in
        China time; the CSV shows them in each event's own zone.
        """
        pages = await export_rows.event_pages(signed_in(request), filters)
        return _file(EVENTS, pages, file_format)

    @get(
        ["/attendance.csv", "/attendance.xlsx"],
        summary="Export attendance",
        operation_id=_operation_id,
        operation_class=FileOperation,
        responses=_RESPONSES,
        dependencies={"filters": Provide(attendance_filters)},
    )
    async def export_attendance(
        self,
        request: Request,
        file_format: NamedDependency[FileFormat],
        filters: NamedDependency[export_rows.AttendanceFilter],
    ) -> Stream:
        """Attendance per occurrence in the caller's subtree; from/to on the occurrence's start.

        The workbook has a totals row summing people, leaflets and app installs.
        """
        pages = await export_rows.attendance_pages(signed_in(request), filters)
        return _file(ATTENDANCE, pages, file_format)

    @get(
        ["/interceptions.csv", "/interceptions.xlsx"],
        summary="Export interceptions",
        operation_id=_operation_id,
        operation_class=FileOperation,
        responses=_RESPONSES,
        dependencies={"filters": Provide(interception_filters)},
    )
    async def export_interceptions(
        self,
        request: Request,
        file_format: NamedDependency[FileFormat],
        filters: NamedDependency[Filters],
    ) -> Stream:
        """Interceptions of the caller's subtree, newest first, with the list's filters.

        The CSV imports back unchanged (POST /api/imports/interceptions); one the import
        could not take (over 1,000,000 rows or 512 MiB) is refused with 422. The workbook
        has no limit; it holds amounts as yuan numbers with a totals row, times as dates.
        """
        caller = signed_in(request)
        if file_format == "csv":
            problem = too_large(*await export_rows.interception_size(caller, filters))
            if problem:
                raise Unprocessable(problem)
        pages = await export_rows.interception_pages(caller, filters)
        return _file(INTERCEPTIONS, pages, file_format)

    @get(
        ["/impact.csv", "/impact.xlsx"],
        summary="Export the per-event report",
        operation_id=_operation_id,
        operation_class=FileOperation,
        responses=_RESPONSES,
        dependencies={"filters": Provide(report_filters)},
    )
    async def export_impact(
        self,
        request: Request,
        file_format: NamedDependency[FileFormat],
        filters: NamedDependency[ReportFilters],
        sort: ImpactSort = "starts_at",
    ) -> Stream:
        """Every event of GET /api/reports/events, with its filters and sort, and its numbers:
        occurrences held, attendees, interceptions, amounts saved and per attendee.

        The workbook holds amounts as yuan numbers and totals the counts and amounts.
        """
        async with one_snapshot():
            scope = await report_scope(signed_in(request), filters)
        return _file(IMPACT, impact_pages(scope, sort), file_format)


routes: list[Any] = [ExportController]
