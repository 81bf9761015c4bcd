"""Every error leaves as JSON with a `detail` a coordinator can read."""

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("fangzha")


def _explain_validation(exc: ValidationException) -> str:
    problems: list[str] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "")).strip()
        key = item.get("key")
        where = f"{key}: " if key else ""
        if message:
            problems.append(f"{where}{message}")
    if not problems:
        return str(exc.detail) or "The request is not valid."
    return "The request is not valid — " + "; ".join(problems)


def validation_error(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status_code": HTTP_400_BAD_REQUEST, "detail": _explain_validation(exc)}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.JSON)


def http_error(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status_code": exc.status_code, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(
        body, status_code=exc.status_code, headers=exc.headers, media_type=MediaType.JSON
    )


def unexpected_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        {
            "status_code": HTTP_500_INTERNAL_SERVER_ERROR,
            "detail": "Something went wrong on our side; it has been logged.",
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


exception_handlers: Any = {
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
