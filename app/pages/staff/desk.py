"""The staff desk page and the service worker that keeps it working without signal."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Response, Template

from accounts.caller import Caller
from accounts.guards import caller_of
from accounts.scoping import visible_branch_ids
from app.i18n import negotiate
from app.pages import formatting, labels
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from core.clock import utcnow
from events.listing import EventFilter, list_events, list_occurrences
from events.schemas import OccurrenceOut
from interceptions.csv_columns import AGE_BAND_LABELS, CHANNEL_LABELS, FRAUD_TYPE_LABELS

STATIC = Path(__file__).parent.parent.parent / "static"


def choices(table: dict[str, str], locale: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a select: Chinese names, readable English otherwise."""
    return [(code, labels.label(table, code, locale)) for code in table]


def helpers(request: Request) -> dict[str, Any]:
    locale = negotiate(request)
    return {
        "when": lambda e: formatting.when(e.starts_at, e.ends_at, e.timezone, locale),
        "yuan": lambda amount: formatting.yuan(amount, locale),
        "channels": choices(CHANNEL_LABELS, locale),
        "fraud_types": choices(FRAUD_TYPE_LABELS, locale),
        "age_bands": choices(AGE_BAND_LABELS, locale),
    }


async def recordable(
    caller: Caller, now: datetime, back: timedelta = timedelta(days=45)
) -> list[OccurrenceOut]:
    """Occurrences of the caller's subtree that have started and may get attendance."""
    branch_ids = await visible_branch_ids(caller)
    found, _ = await list_occurrences(caller, EventFilter(start=now - back, end=now), 500, 0)
    return [
        o
        for o in found
        if o.status in {"scheduled", "completed"}
        and (branch_ids is None or o.branch_id in branch_ids)
        and datetime.fromisoformat(o.starts_at) <= now
    ]


class StaffDesk(Controller):
    include_in_schema = False

    @get("/staff", operation_id="staffPage")
    async def staff(self, request: Request) -> Template | Redirect:
        """The staff desk: log an interception (kept on the phone until sent), attendance."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        now = utcnow()
        events, _ = await list_events(
            caller,
            EventFilter(start=now - timedelta(days=45), end=now + timedelta(days=45)),
            100,
            0,
        )
        return page(
            request,
            "staff/desk.html",
            events=[e for e in events if e.status != "draft"],
            occurrences=await recordable(caller, now),
            **helpers(request),
        )

    @get("/staff-sw.js", operation_id="staffServiceWorker")
    async def service_worker(self) -> Response[bytes]:
        """The service worker, served from the root so that its scope covers the pages."""
        body = (STATIC / "staff-sw.js").read_bytes()
        return Response(
            body,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
        )
