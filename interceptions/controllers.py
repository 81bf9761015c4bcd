"""HTTP surface of interceptions: logging, reading, editing, review, history, CSV import."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.guards import requires_coordinator, requires_staff, signed_in
from core.pagination import Limit, Offset
from core.params import MAX_ID, From, RecordId, To
from interceptions.editing import update_interception
from interceptions.filters import build_filters
from interceptions.history import history_of
from interceptions.import_controllers import ImportController
from interceptions.logging_service import create_interception
from interceptions.queries import get_interception, list_interceptions
from interceptions.review import review_interception
from interceptions.schemas import (
    FraudType,
    HistoryPage,
    InterceptionCreate,
    InterceptionOut,
    InterceptionPage,
    InterceptionUpdate,
    ReviewIn,
    Status,
)


class InterceptionController(Controller):
    path = "/api/interceptions"
    tags = ["interceptions"]
    guards = [requires_staff]

    @get("/", operation_id="listInterceptions")
    async def list_interceptions(
        self,
        request: Request,
        from_: From = None,
        to: To = None,
        branch: Annotated[
            str | None,
            QueryParameter(max_length=32, description="Branch code; includes sub-branches"),
        ] = None,
        fraud_type: FromQuery[FraudType | None] = None,
        status: FromQuery[Status | None] = None,
        event: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> InterceptionPage:
        """Interceptions of the caller's branch and sub-branches, newest first."""
        filters = await build_filters(
            start=from_,
            end=to,
            branch=branch,
            fraud_type=fraud_type,
            status=status,
            event=event,
        )
        items, total = await list_interceptions(signed_in(request), filters, limit, offset)
        return InterceptionPage(items=items, total=total, limit=limit, offset=offset)

    @post(
        "/",
        operation_id="createInterception",
        responses={
            200: ResponseSpec(InterceptionOut, description="A replay: the first record stored")
        },
    )
    async def create_interception(
        self, request: Request, data: JSONBody[InterceptionCreate]
    ) -> Response[InterceptionOut]:
        """Log an interception; re-sending the same client_ref answers the first record (200)."""
        record, created = await create_interception(signed_in(request), data)
        return Response(record, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/{interception_id:int}", operation_id="getInterception")
    async def get_interception(
        self, request: Request, interception_id: RecordId
    ) -> InterceptionOut:
        """One interception of the caller's subtree."""
        return await get_interception(signed_in(request), interception_id)

    @patch("/{interception_id:int}", operation_id="updateInterception")
    async def update_interception(
        self, request: Request, interception_id: RecordId, data: JSONBody[InterceptionUpdate]
    ) -> InterceptionOut:
        """Correct an interception: staff their own while logged; reviewed ones only by admins."""
        return await update_interception(signed_in(request), interception_id, data)

    @post(
        "/{interception_id:int}/verify",
        operation_id="verifyInterception",
        guards=[requires_coordinator],
        status_code=HTTP_200_OK,
    )
    async def verify_interception(
        self,
        request: Request,
        interception_id: RecordId,
        data: JSONBody[ReviewIn | None] = None,
    ) -> InterceptionOut:
        """Confirm a logged interception, with an optional note; it then counts as saved."""
        note = data.note if data is not None else ""
        return await review_interception(signed_in(request), interception_id, "verified", note)

    @post(
        "/{interception_id:int}/reject",
        operation_id="rejectInterception",
        guards=[requires_coordinator],
        status_code=HTTP_200_OK,
    )
    async def reject_interception(
        self,
        request: Request,
        interception_id: RecordId,
        data: JSONBody[ReviewIn | None] = None,
    ) -> InterceptionOut:
        """Reject a logged interception, with a note saying why."""
        note = data.note if data is not None else ""
        return await review_interception(signed_in(request), interception_id, "rejected", note)

    @get("/{interception_id:int}/history", operation_id="getInterceptionHistory")
    async def get_history(
        self, request: Request, interception_id: RecordId, limit: Limit = 100, offset: Offset = 0
    ) -> HistoryPage:
        """Who created, changed and reviewed this interception, oldest first."""
        items, total = await history_of(signed_in(request), interception_id, limit, offset)
        return HistoryPage(items=items, total=total, limit=limit, offset=offset)


routes: list[Any] = [InterceptionController, ImportController]
