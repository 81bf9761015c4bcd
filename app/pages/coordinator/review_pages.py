"""The review queue: pending interceptions of the subtree, oldest first, verified or rejected.

Who may review which record is the review service's rule (maker-checker,
`require_second_person`); the page asks it before drawing the buttons, so a
coordinator sees why a record of their own waits for someone else.
"""

from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from litestar import Controller, Request, get, post
from litestar.plugins.htmx import HTMXDetails
from litestar.response import Redirect, Template

from accounts.caller import Caller
from accounts.tables import User
from app.i18n import negotiate
from app.pages.coordinator.common import branch_choices, coordinator, render, translated
from core.errors import Conflict, Forbidden, NotFound
from core.home_zone import HOME_ZONE
from core.params import RecordId
from events.schedule import get_event
from interceptions.queries import Filters, list_interceptions
from interceptions.review import Verdict, require_second_person, review_interception
from interceptions.schemas import InterceptionOut

SHOWN = 100
# Interceptions are reported on the Beijing calendar, whatever the event's zone.
REPORT_ZONE = HOME_ZONE


async def oldest_pending(caller: Caller) -> tuple[list[InterceptionOut], int]:
    """The oldest SHOWN logged interceptions of the caller's subtree, oldest first."""
    pending = Filters(status="logged")
    _, total = await list_interceptions(caller, pending, 1, 0)
    newest_first, _ = await list_interceptions(caller, pending, SHOWN, max(total - SHOWN, 0))
    return list(reversed(newest_first)), total


async def _why_not(caller: Caller, item: InterceptionOut) -> Forbidden | None:
    """The review service's refusal for this caller and record, if it would refuse."""
    try:
        await require_second_person(caller, {"id": item.id, "logged_by": item.logged_by})
    except Forbidden as exc:
        return exc
    return None


async def _names(ids: set[int]) -> dict[int, str]:
    rows = await User.select(User.id, User.display_name, User.username).where(
        User.id.is_in(list(ids) or [-1])
    )
    return {r["id"]: r["display_name"] or r["username"] for r in rows}


async def _event_titles(caller: Caller, ids: set[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for event_id in ids:
        try:
            titles[event_id] = (await get_event(caller, event_id)).title
        except NotFound:
            continue
    return titles


class ReviewPages(Controller):
    path = "/coordinator/review"
    include_in_schema = False

    async def _queue(
        self,
        request: Request,
        caller: Caller,
        *,
        problem: tuple[int, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        items, total = await oldest_pending(caller)
        locale = negotiate(request)
        rows: list[dict[str, Any]] = []
        names = await _names({i.logged_by for i in items})
        titles = await _event_titles(caller, {i.event_id for i in items if i.event_id})
        branches = {b.id: b.name for b in await branch_choices(caller)}
        for item in items:
            why = await _why_not(caller, item)
            occurred = datetime.fromisoformat(item.occurred_at).astimezone(REPORT_ZONE)
            rows.append(
                {
                    "item": item,
                    "when": format_datetime(
                        occurred, "y-MM-dd HH:mm", tzinfo=REPORT_ZONE, locale=locale
                    ),
                    "logged_by": names.get(item.logged_by, ""),
                    "branch": branches.get(item.branch_id, ""),
                    "event_title": titles.get(item.event_id) if item.event_id else None,
                    "why_not": translated(request, why) if why else None,
                }
            )
        return render(
            request,
            "coordinator/review.html",
            status_code=status_code,
            rows=rows,
            total=total,
            problem=problem,
        )

    @get("/", operation_id="reviewQueuePage")
    async def queue(self, request: Request) -> Template | Redirect:
        """Pending interceptions, oldest first, each with the event it is attributed to."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        return await self._queue(request, caller)

    @post("/{interception_id:int}/verify", operation_id="verifyInterceptionForm")
    async def verify(self, request: Request, interception_id: RecordId) -> Template | Redirect:
        """Verify one interception, with an optional note."""
        return await self._review(request, interception_id, "verified")

    @post("/{interception_id:int}/reject", operation_id="rejectInterceptionForm")
    async def reject(self, request: Request, interception_id: RecordId) -> Template | Redirect:
        """Reject one interception, with a note saying why."""
        return await self._review(request, interception_id, "rejected")

    async def _review(
        self, request: Request, interception_id: int, verdict: Verdict
    ) -> Template | Redirect:
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        form = await request.form()
        # The field holds at most 2000 characters; NUL never belongs in a note.
        note = str(form.get("note") or "").replace("\x00", "").strip()[:2000]
        try:
            await review_interception(caller, interception_id, verdict, note)
        except (Forbidden, Conflict, NotFound) as exc:
            problem = (interception_id, translated(request, exc))
            code = exc.status_code
            if HTMXDetails(request):
                return await self._outcome(request, caller, interception_id, None, problem[1])
            return await self._queue(request, caller, problem=problem, status_code=code)
        if HTMXDetails(request):
            # One card changes in place: a coordinator works down the queue without losing it.
            return await self._outcome(request, caller, interception_id, verdict, None)
        return Redirect(
            f"/coordinator/review?done={interception_id}&verdict={verdict}", status_code=303
        )

    async def _outcome(
        self,
        request: Request,
        caller: Caller,
        interception_id: int,
        verdict: str | None,
        problem: str | None,
    ) -> Template:
        """The reviewed card's replacement, and the new count of what still waits."""
        _, total = await list_interceptions(caller, Filters(status="logged"), 1, 0)
        return render(
            request,
            "coordinator/review_outcome.html",
            number=interception_id,
            verdict=verdict,
            problem=problem,
            total=total,
        )
