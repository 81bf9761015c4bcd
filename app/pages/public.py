"""The public's pages: upcoming events (list and month), past events, one event, a
branch and its QR code, and /subscribe, which shows each phone its way to subscribe."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from accounts.branches import all_branches, branch_by_code
from accounts.schemas import BranchOut
from app.i18n import negotiate
from app.pages.public_device import DEVICES, device_of
from app.pages.public_rendering import LARGE_COOKIE, problem_page, public_page, translate
from app.pages.public_schedule import (
    Listed,
    listed,
    month_bounds,
    month_key,
    month_weeks,
    next_slots,
    repeat_words,
    shift_month,
)
from core.clock import utcnow
from core.errors import NotFound, Unprocessable
from core.home_zone import HOME_ZONE
from core.urls import public_base_url
from events.listing import EventFilter, list_events, list_occurrences
from events.schedule import get_event
from exports.feed_filters import AUDIENCES, KINDS, FeedFilters
from exports.qr import qr_inline
from exports.subscribe_links import subscribe_links

# A public list looks this far ahead and back; pages stay small on a village phone.
AHEAD = timedelta(days=92)
PAST = timedelta(days=92)
LIST_LIMIT = 40
LANGUAGE_CHOICES = ("zh", "lis")

Text = Annotated[str | None, QueryParameter(max_length=40)]


@dataclass(frozen=True)
class Choice:
    """The filters a visitor picked on a public list."""

    branch: str | None = None
    kind: str | None = None
    language: str | None = None
    audience: str | None = None

    def check(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise Unprocessable("This kind of event is unknown.")
        if self.audience is not None and self.audience not in AUDIENCES:
            raise Unprocessable("This audience is unknown.")
        if self.language is not None and self.language not in LANGUAGE_CHOICES:
            raise Unprocessable("Events are held in Chinese or Lisu.")

    def feed(self) -> FeedFilters:
        return FeedFilters(
            branch=self.branch, kind=self.kind, language=self.language, audience=self.audience
        )

    def keeps(self, entry: Listed) -> bool:
        event = entry.event
        if self.language and self.language not in event.languages:
            return False
        return not (self.audience and self.audience not in event.audiences)


def _choice(
    branch: str | None, kind: str | None, language: str | None, audience: str | None
) -> Choice:
    choice = Choice(branch or None, kind or None, language or None, audience or None)
    choice.check()
    return choice


async def listed_events(choice: Choice, start: datetime, end: datetime) -> list[Listed]:
    """Public events with occurrences in [start, end), each with those occurrences."""
    found = EventFilter(start=start, end=end, branch=choice.branch, kind=choice.kind)
    events, _ = await list_events(None, found, 500, 0)
    occurrences, _ = await list_occurrences(None, found, 1000, 0)
    return [entry for entry in listed(events, occurrences) if choice.keeps(entry)]


def _qr_context(request: Request, filters: FeedFilters, label: str) -> dict[str, Any]:
    links = subscribe_links(public_base_url(request), filters)
    return {"links": links, "qr": qr_inline(links.page, translate(request, label))}


class PublicPages(Controller):
    include_in_schema = False

    @get("/", operation_id="homePage")
    async def home(
        self,
        request: Request,
        branch: Text = None,
        kind: Text = None,
        language: Text = None,
        audience: Text = None,
        view: Text = None,
        month: Text = None,
    ) -> Template:
        """Upcoming public events as a list or a month, filtered; and how to subscribe."""
        try:
            choice = _choice(branch, kind, language, audience)
            now = utcnow()
            context: dict[str, Any] = {}
            if view == "month":
                year, number = _month_of(month, now)
                start, end = month_bounds(year, number, HOME_ZONE)
                entries = await listed_events(choice, start, end)
                occurrences = sorted(
                    (o for e in entries for o in e.starts), key=lambda o: o.starts_at
                )
                context = {
                    "weeks": month_weeks(year, number, occurrences),
                    "month_count": len(occurrences),
                    "month": (year, number),
                    "previous": month_key(*shift_month(year, number, -1)),
                    "following": month_key(*shift_month(year, number, 1)),
                }
            else:
                entries = (await listed_events(choice, now, now + AHEAD))[:LIST_LIMIT]
        except Unprocessable as problem:
            return problem_page(request, 422, str(problem.detail))
        return public_page(
            request,
            "public/home.html",
            entries=entries,
            choice=choice,
            view="month" if view == "month" else "list",
            query=urlencode([(k, v) for k, v in choice.__dict__.items() if v]),
            branches=await all_branches(),
            kinds=sorted(KINDS),
            audiences=sorted(AUDIENCES),
            languages=LANGUAGE_CHOICES,
            repeat=lambda e: repeat_words(e, negotiate(request)),
            **context,
            **_qr_context(request, choice.feed(), "QR code: subscribe to these events"),
        )

    @get("/past", operation_id="pastEventsPage")
    async def past(self, request: Request) -> Template:
        """Public events of the last months, newest first."""
        now = utcnow()
        entries = await listed_events(Choice(), now - PAST, now)
        for entry in entries:
            entry.starts.reverse()
        entries.sort(key=lambda e: e.starts[0].starts_at, reverse=True)
        return public_page(
            request,
            "public/past.html",
            entries=entries[:LIST_LIMIT],
            repeat=lambda e: repeat_words(e, negotiate(request)),
        )

    @get("/subscribe", operation_id="subscribePage")
    async def subscribe(
        self,
        request: Request,
        branch: Text = None,
        kind: Text = None,
        language: Text = None,
        audience: Text = None,
        alarms: Text = None,
        device: Text = None,
        private: Annotated[str | None, QueryParameter(max_length=128)] = None,
    ) -> Template:
        """The QR codes' target: the one way to subscribe that works on this phone."""
        filters = FeedFilters(
            branch=branch or None,
            kind=kind or None,
            language=language or None,
            audience=audience or None,
            alarms=alarms in {"1", "true"},
        )
        try:
            filters.validate()
            if filters.branch and await branch_by_code(filters.branch) is None:
                raise Unprocessable("There is no branch with this code.")
            if private is not None and not private.replace("-", "").replace("_", "").isalnum():
                raise Unprocessable("This private calendar address is not valid.")
        except Unprocessable as problem:
            return problem_page(request, 422, str(problem.detail))
        detected = device_of(request.headers.get("user-agent", ""))
        shown = device if device in DEVICES else detected
        base = public_base_url(request)
        links = subscribe_links(base, filters, private)
        other = FeedFilters(**{**filters.__dict__, "alarms": not filters.alarms})
        response = public_page(
            request,
            "public/subscribe.html",
            device=shown,
            detected=detected,
            links=links,
            filters=filters,
            toggled=subscribe_links(base, other, private).page,
            private=private is not None,
            qr=qr_inline(links.page, translate(request, "QR code of this page")),
        )
        if private is not None:
            # A private address is a secret: keep it out of shared caches.
            response.headers["Cache-Control"] = "private, no-store"
        return response

    @get("/branches/{code:str}", operation_id="branchPage")
    async def branch_page(self, request: Request, code: FromPath[str]) -> Template:
        """A branch: its address and phone, its coming events and its own QR code."""
        branch = await branch_by_code(code)
        if branch is None:
            return problem_page(request, 404, "There is no branch with this code.")
        now = utcnow()
        choice = Choice(branch=branch.code)
        return public_page(
            request,
            "public/branch.html",
            branch=branch,
            entries=(await listed_events(choice, now, now + AHEAD))[:LIST_LIMIT],
            repeat=lambda e: repeat_words(e, negotiate(request)),
            **_qr_context(request, choice.feed(), "QR code: subscribe to this branch's events"),
        )

    @get("/display", operation_id="displaySwitch")
    async def display(
        self, size: Text = None, back: Annotated[str | None, QueryParameter(max_length=500)] = None
    ) -> Redirect:
        """The 大字 switch: large text and buttons, or normal; a cookie, no script needed."""
        target = back if back and back.startswith("/") and not back.startswith("//") else "/"
        response = Redirect(target, status_code=303)
        response.set_cookie(
            LARGE_COOKIE, "1" if size == "large" else "0", max_age=365 * 24 * 3600, samesite="lax"
        )
        return response


def _month_of(text: str | None, now: datetime) -> tuple[int, int]:
    if text:
        try:
            picked = datetime.strptime(text, "%Y-%m")
        except ValueError as exc:
            raise Unprocessable("The month is written like 2026-03.") from exc
        if not 2000 <= picked.year <= 2100:
            raise Unprocessable("The month is written like 2026-03.")
        return picked.year, picked.month
    local = now.astimezone(HOME_ZONE)
    return local.year, local.month


async def branch_of(event_branch_id: int) -> BranchOut | None:
    return next((b for b in await all_branches() if b.id == event_branch_id), None)


async def event_page(request: Request, event_id: int) -> Template:
    """One public event: when (the next dates), where (with a map link), who to call,
    and buttons to add it or subscribe to all."""
    try:
        event = await get_event(None, event_id)
    except NotFound:
        return problem_page(request, 404, "This event does not exist, or it is not public.")
    upcoming = await next_slots(event, utcnow(), 6)
    return public_page(
        request,
        "public/event.html",
        event=event,
        upcoming=upcoming,
        branch=await branch_of(event.branch_id),
        repeat=repeat_words(event, negotiate(request)),
        subscribe=subscribe_links(public_base_url(request), FeedFilters()),
        **_qr_context(request, FeedFilters(), "QR code: subscribe to all events"),
    )
