"""HTTP surface of interceptions: logging, reading, editing, review, history, CSV import."""

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import Method
from litestar.types.internal_types import PathParameterDefinition

from accounts.guards import requires_coordinator, requires_staff, signed_in
from core.pagination import Limit, Offset, Page
from core.params import RecordId
from interceptions.editing import update_interception
from interceptions.filters import interception_filters
from interceptions.history import history_of
from interceptions.import_controllers import ImportController
from interceptions.queries import Filters, get_interception, list_interceptions
from interceptions.recording import create_interception
from interceptions.review import Verdict, review_interception
from interceptions.schemas import (
    InterceptionCreate,
    InterceptionHistoryPage,
    InterceptionOut,
    InterceptionPage,
    InterceptionUpdate,
    ReviewIn,
)

# The last segment of a review's path, and the verdict it gives.
VERDICTS: dict[str, Verdict] = {"verify": "verified", "reject": "rejected"}


def verdict_of(request: Request) -> Verdict:
    """The verdict the path asks for: `…/verify` or `…/reject`."""
    return VERDICTS[request.url.path.rstrip("/").rsplit("/", 1)[1]]


def review_operation_id(
    handler: HTTPRouteHandler, method: Method, path: list[str | PathParameterDefinition]
) -> str:
    """verifyInterception and rejectInterception: one operation per path, as before."""
    return f"{path[-1]}Interception"


class InterceptionController(Controller):
    path = "/api/interceptions"
    tags = ["interceptions"]
    guards = [requires_staff]

    @get(
        "/",
        operation_id="listInterceptions",
        dependencies={"filters": Provide(interception_filters)},
    )
    async def list_interceptions(
        self,
        request: Request,
        filters: NamedDependency[Filters],
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> InterceptionPage:
        """Interceptions of the caller's branch and sub-branches, newest first."""
        items, total = await list_interceptions(signed_in(request), filters, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

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
        ["/{interception_id:int}/verify", "/{interception_id:int}/reject"],
        operation_id=review_operation_id,
        guards=[requires_coordinator],
        status_code=HTTP_200_OK,
        dependencies={"verdict": Provide(verdict_of, sync_to_thread=False)},
    )
    async def review_interception(
        self,
        request: Request,
        interception_id: RecordId,
        verdict: NamedDependency[Verdict],
        data: JSONBody[ReviewIn | None] = None,
    ) -> InterceptionOut:
        """Review a logged interception, with a note: `verify` confirms it (it then counts as
        saved), `reject` turns it down (say why). Never one the reviewer logged or last edited."""
        note = data.note if data is not None else ""
        return await review_interception(signed_in(request), interception_id, verdict, note)

    @get("/{interception_id:int}/history", operation_id="getInterceptionHistory")
    async def get_history(
        self, request: Request, interception_id: RecordId, limit: Limit = 100, offset: Offset = 0
    ) -> InterceptionHistoryPage:
        """Who created, changed and reviewed this interception, oldest first."""
        items, total = await history_of(signed_in(request), interception_id, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)


routes: list[Any] = [InterceptionController, ImportController]
