from typing import Literal

import msgspec
from litestar import get
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from accounts.tables import Branch


class Health(msgspec.Struct):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]


@get(
    "/health",
    operation_id="health",
    tags=["service"],
    responses={503: ResponseSpec(Health, description="The database cannot be reached")},
)
async def health() -> Response[Health]:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        await Branch.raw("SELECT 1")
    except Exception:
        return Response(
            Health(status="degraded", database="unreachable"),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response(Health(status="ok", database="ok"), status_code=HTTP_200_OK)
