"""HTTP surface of the calendar feeds: public, per-event, private, subscribe links and QR."""

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import HttpMethod, Request, Response, get, route
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, QueryParameter

from core.clock import utcnow
from core.errors import NotFound
from core.params import BranchCode, CampaignId
from core.urls import public_base_url
from exports.feed_cache import FeedCache, event_file_for, feed_for
from exports.feed_filters import FeedFilters
from exports.feed_responses import (
    ALREADY_COMPRESSED,
    CALENDAR_TYPE,
    PRIVATE_CACHE,
    PUBLIC_CACHE,
    feed_response,
)
from exports.feed_scope import PUBLIC, private_scope
from exports.qr import qr_svg
from exports.subscribe_links import subscribe_links

_EVENT_FILE = re.compile(r"^([0-9]{1,12})\.ics$")
_TOKEN_FILE = re.compile(r"^([A-Za-z0-9_-]{8,128})\.ics$")
GET_AND_HEAD = [HttpMethod.GET, HttpMethod.HEAD]
FEED_OPT = {ALREADY_COMPRESSED: True}

Kind = Annotated[str | None, QueryParameter(max_length=32, description="Event kind, e.g. lecture")]
Language = Annotated[
    str | None, QueryParameter(max_length=35, description="Language tag, e.g. lis")
]
Audience = Annotated[
    str | None, QueryParameter(max_length=32, description="Audience, e.g. elderly")
]
Alarms = Annotated[
    bool,
    QueryParameter(description="1 adds reminders (VALARM) a day and an hour before each event"),
]


class FeedLinks(msgspec.Struct):
    # The page every QR code and subscribe button points at: it shows each phone its way.
    subscribe_url: str
    https_url: str
    webcal_url: str
    qr_svg_url: str


def operation_ids(name: str) -> Callable[..., str]:
    """One operation id per method of a GET-and-HEAD route (OpenAPI wants them unique)."""

    def create(_: Any, method: HttpMethod, __: Any) -> str:
        return name if method == HttpMethod.GET else f"{name}Head"

    return create


def _cache(request: Request) -> FeedCache:
    state = request.app.state
    cache = state.get("feed_cache")
    if cache is None:
        cache = FeedCache()
        state["feed_cache"] = cache
    return cache


async def feed_filters(
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: Kind = None,
    language: Language = None,
    audience: Audience = None,
    alarms: Alarms = False,
) -> FeedFilters:
    """What a feed asks for, as one dependency: the feeds, their links and the QR code."""
    filters = FeedFilters(
        branch=branch,
        campaign=campaign,
        kind=kind,
        language=language,
        audience=audience,
        alarms=alarms,
    )
    filters.validate()
    return filters


FILTERS = {"filters": Provide(feed_filters)}


@route(
    "/calendar.ics",
    http_method=GET_AND_HEAD,
    operation_id=operation_ids("publicCalendarFeed"),
    tags=["calendar"],
    media_type=CALENDAR_TYPE,
    opt=FEED_OPT,
    raises=[NotFoundException],  # a branch or campaign that does not exist
    dependencies=FILTERS,
)
async def public_calendar(
    request: Request,
    filters: NamedDependency[FeedFilters],
) -> Response[bytes]:
    """The public events calendar to subscribe to, narrowed by branch, campaign, kind, etc."""
    now = utcnow()
    feed = await feed_for(_cache(request), PUBLIC, filters, public_base_url(request), now)
    return feed_response(request, feed, PUBLIC_CACHE, now)


def _alarms_of(request: Request) -> bool:
    value = request.query_params.get("alarms", "0").strip().lower()
    if value not in {"0", "1", "false", "true"}:
        raise ClientException(detail="alarms must be 1 (with reminders) or 0 (without).")
    return value in {"1", "true"}


async def event_calendar_response(request: Request, file_name: str) -> Response[bytes]:
    """One public event as an .ics file (`/events/{id}.ics`), to add it to a calendar.

    `/events/{id}` is also a web page and Litestar cannot route both, so the
    pages' `/events/{name}` handler hands names ending in `.ics` to this.
    """
    match = _EVENT_FILE.fullmatch(file_name)
    if match is None:
        raise NotFound("Calendar file", f"/events/{file_name[:40]}")
    alarms = _alarms_of(request)
    now = utcnow()
    feed = await event_file_for(
        _cache(request), int(match[1]), alarms, public_base_url(request), now
    )
    return feed_response(request, feed, PUBLIC_CACHE, now)


@route(
    "/calendar/private/{file_name:str}",
    http_method=GET_AND_HEAD,
    operation_id=operation_ids("privateCalendarFeed"),
    tags=["calendar"],
    media_type=CALENDAR_TYPE,
    opt=FEED_OPT,
    dependencies=FILTERS,
)
async def private_calendar(
    request: Request,
    file_name: FromPath[str],
    filters: NamedDependency[FeedFilters],
) -> Response[bytes]:
    """A user's secret feed: public events plus the internal events of their branch subtree."""
    match = _TOKEN_FILE.fullmatch(file_name)
    if match is None:
        raise NotFound("Calendar", "at this address")
    scope = await private_scope(match[1])
    now = utcnow()
    feed = await feed_for(_cache(request), scope, filters, public_base_url(request), now)
    return feed_response(request, feed, PRIVATE_CACHE, now)


def _address(request: Request, path: str, filters: FeedFilters) -> str:
    query = urlencode(filters.query_items())
    return f"{public_base_url(request)}{path}" + (f"?{query}" if query else "")


@get("/api/feeds/links", operation_id="feedLinks", tags=["calendar"], dependencies=FILTERS)
async def feed_links(
    request: Request,
    filters: NamedDependency[FeedFilters],
) -> FeedLinks:
    """Subscribe addresses of the public feed with these filters: the /subscribe page (what
    the QR code holds), the https and webcal feed addresses, and the QR code itself."""
    links = subscribe_links(public_base_url(request), filters)
    qr_url = _address(request, "/api/feeds/qr.svg", filters)
    return FeedLinks(
        subscribe_url=links.page, https_url=links.https, webcal_url=links.webcal, qr_svg_url=qr_url
    )


@get(
    "/api/feeds/qr.svg",
    operation_id="feedQrCode",
    tags=["calendar"],
    media_type="image/svg+xml",
    dependencies=FILTERS,
)
async def feed_qr(
    request: Request,
    filters: NamedDependency[FeedFilters],
) -> Response[bytes]:
    """A QR code (SVG) of the /subscribe page for the feed with these filters, for posters.

    It holds the page, not the feed: a phone's scanner opens a web page, and the page
    shows the way to subscribe that works on that phone.
    """
    svg = qr_svg(subscribe_links(public_base_url(request), filters).page, title="防诈宣传活动日历")
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


# /events/{id}.ics is routed by app/pages/events_path.py to event_calendar_response.
routes: list[Any] = [public_calendar, private_calendar, feed_links, feed_qr]
