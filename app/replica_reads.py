"""Which requests read from the replica: GETs of feeds, lists, reports and exports.

They only read, and a few seconds of replication lag is within what they
promise (a calendar app polls every hours; a report is of past days). Sign-in,
every write, and the reads that must show their user's own last write (one
record, "my" interceptions, the user's own account) stay on the primary. The
middleware sits after sign-in, so sessions are always checked on the primary.
"""

import re

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.replica import reading_from_replica

REPLICA_PATHS = re.compile(
    r"^/(?:calendar\.ics|calendar/private/[^/]+\.ics|events/\d+\.ics"
    r"|api/events|api/occurrences|api/campaigns|api/campaigns/\d+/progress"
    r"|api/reports/[a-z_]+|api/exports/[a-z_]+\.(?:csv|xlsx))$"
)


class ReplicaReads(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") in ("GET", "HEAD") and REPLICA_PATHS.match(scope["path"]):
            with reading_from_replica():
                await next_app(scope, receive, send)
            return
        await next_app(scope, receive, send)
