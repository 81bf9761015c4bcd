"""One structured line per request: what was asked, how it ended, how long it took.

It wraps the whole ASGI app, outside Litestar's routing, so requests no route
matches (404, 405), refused hosts and errors are logged too — route
middleware would miss those. A line holds the method, the path with private
calendar tokens replaced (app/log_redaction.py), the status, the duration,
the body bytes sent and a request id, which the response also carries as
`X-Request-ID` so that a user's report can be matched to its line. It never
holds query strings, headers, cookies or bodies: that is where tokens,
passwords and personal data travel.
"""

import logging
import os
import time
import uuid
from contextvars import ContextVar

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from app.log_redaction import redact

REQUEST_ID_HEADER = "X-Request-ID"
LOGGER = "fangzha.requests"

# Other log records written while a request runs carry its id too (app/json_log.py).
current_request_id: ContextVar[str | None] = ContextVar("fangzha_request_id", default=None)

log = logging.getLogger(LOGGER)


class RequestLog:
    """ASGI middleware writing one `fangzha.requests` record per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        http: HTTPScope = scope
        request_id = uuid.uuid4().hex
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        # A response that never started (the client went away, the app crashed) is a 500.
        status = 500
        sent = 0

        async def send_counted(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            log.info(
                "request",
                extra={
                    "request": {
                        "request_id": request_id,
                        "method": http["method"],
                        "path": redact(http["path"]),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "bytes": sent,
                        # Which worker process answered, when several share the port.
                        "worker": os.getpid(),
                    }
                },
            )
            current_request_id.reset(token)
