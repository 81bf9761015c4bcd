from litestar import get
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from accounts.tables import Branch


@get("/health", operation_id="health", tags=["service"])
async def health() -> Response[dict[str, str]]:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        await Branch.raw("SELECT 1")
    except Exception:
        return Response(
            {"status": "degraded", "database": "unreachable"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok", "database": "ok"}, status_code=HTTP_200_OK)
