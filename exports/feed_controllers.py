"""HTTP surface of the calendar feeds: public, per-event, private, subscribe links and QR."""

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from core.clock import utcnow
from core.errors import NotFound
from core.params import BranchCode, CampaignId
from core.urls import public_base_url
from exports.feeds import (
    Feed,
    FeedCache,
    FeedFilters,
    feed_for,
    private_scope,
    public_scope,
    single_event_feed,
)
from exports.qr import qr_svg

# Litestar adds "; charset=utf-8" to text types itself.
CALENDAR_TYPE = "text/calendar"
PUBLIC_CACHE = "public, max-age=900"
PRIVATE_CACHE = "private, max-age=900"
_EVENT_FILE = re.compile(r"^([0-9]{1,12})\.ics$")
_TOKEN_FILE = re.compile(r"^([A-Za-z0-9_-]{8,128})\.ics$")

Kind = Annotated[str | None, QueryParameter(max_length=32, description="Event kind, e.g. lecture")]
Language = Annotated[
    str | None, QueryParameter(max_length=35, description="Language tag, e.g. lis")
]
Audience = Annotated[
    str | None, QueryParameter(max_length=32, description="Audience, e.g. elderly")
]


class FeedLinks(msgspec.Struct):
    https_url: str
    webcal_url: str
    qr_svg_url: str


def _cache(request: Request) -> FeedCache:
    state = request.app.state
    cache = state.get("feed_cache")
    if cache is None:
        cache = FeedCache()
        state["feed_cache"] = cache
    return cache


def _not_modified(request: Request, feed: Feed) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since: datetime = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    return feed.last_modified <= since


def _calendar_response(request: Request, feed: Feed, cache_control: str) -> Response[bytes]:
    headers = {
        "ETag": feed.etag,
        "Last-Modified": feed.last_modified_http,
        "Cache-Control": cache_control,
    }
    if _not_modified(request, feed):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(feed.body, media_type=CALENDAR_TYPE, headers=headers)


def _filters(
    branch: str | None,
    campaign: int | None,
    kind: str | None,
    language: str | None,
    audience: str | None,
) -> FeedFilters:
    filters = FeedFilters(
        branch=branch, campaign=campaign, kind=kind, language=language, audience=audience
    )
    filters.validate()
    return filters


@get(
    "/calendar.ics",
    operation_id="publicCalendarFeed",
    tags=["calendar"],
    media_type=CALENDAR_TYPE,
)
async def public_calendar(
    request: Request,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: Kind = None,
    language: Language = None,
    audience: Audience = None,
) -> Response[bytes]:
    """The public events calendar to subscribe to, narrowed by branch, campaign, kind, etc."""
    filters = _filters(branch, campaign, kind, language, audience)
    feed = await feed_for(
        _cache(request), await public_scope(), filters, public_base_url(request), utcnow()
    )
    return _calendar_response(request, feed, PUBLIC_CACHE)


async def event_calendar_response(request: Request, file_name: str) -> Response[bytes]:
    """One public event as an .ics file (`/events/{id}.ics`), to add it to a calendar.

    `/events/{id}` is also a web page and Litestar cannot route both, so the
    pages' `/events/{name}` handler hands names ending in `.ics` to this.
    """
    match = _EVENT_FILE.fullmatch(file_name)
    if match is None:
        raise NotFound("Calendar file", f"/events/{file_name[:40]}")
    feed = await single_event_feed(
        _cache(request), int(match[1]), public_base_url(request), utcnow()
    )
    return _calendar_response(request, feed, PUBLIC_CACHE)


@get(
    "/calendar/private/{file_name:str}",
    operation_id="privateCalendarFeed",
    tags=["calendar"],
    media_type=CALENDAR_TYPE,
)
async def private_calendar(
    request: Request,
    file_name: FromPath[str],
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: Kind = None,
    language: Language = None,
    audience: Audience = None,
) -> Response[bytes]:
    """A user's secret feed: public events plus the internal events of their branch subtree."""
    match = _TOKEN_FILE.fullmatch(file_name)
    if match is None:
        raise NotFound("Calendar", "at this address")
    filters = _filters(branch, campaign, kind, language, audience)
    scope = await private_scope(match[1])
    feed = await feed_for(_cache(request), scope, filters, public_base_url(request), utcnow())
    return _calendar_response(request, feed, PRIVATE_CACHE)


def _feed_url(request: Request, filters: FeedFilters) -> str:
    query = urlencode(filters.query_items())
    return f"{public_base_url(request)}/calendar.ics" + (f"?{query}" if query else "")


@get("/api/feeds/links", operation_id="feedLinks", tags=["calendar"])
async def feed_links(
    request: Request,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: Kind = None,
    language: Language = None,
    audience: Audience = None,
) -> FeedLinks:
    """Subscribe addresses of the public feed with these filters: https, webcal and a QR code."""
    filters = _filters(branch, campaign, kind, language, audience)
    url = _feed_url(request, filters)
    webcal = "webcal://" + url.split("://", 1)[1]
    query = urlencode(filters.query_items())
    qr_url = f"{public_base_url(request)}/api/feeds/qr.svg" + (f"?{query}" if query else "")
    return FeedLinks(https_url=url, webcal_url=webcal, qr_svg_url=qr_url)


@get(
    "/api/feeds/qr.svg",
    operation_id="feedQrCode",
    tags=["calendar"],
    media_type="image/svg+xml",
)
async def feed_qr(
    request: Request,
    branch: BranchCode = None,
    campaign: CampaignId = None,
    kind: Kind = None,
    language: Language = None,
    audience: Audience = None,
    scheme: Annotated[
        Literal["https", "webcal"],
        QueryParameter(description="https (any phone) or webcal (subscribes directly on iPhone)"),
    ] = "https",
) -> Response[bytes]:
    """A QR code (SVG) of the public feed address with these filters, for posters."""
    filters = _filters(branch, campaign, kind, language, audience)
    url = _feed_url(request, filters)
    if scheme == "webcal":
        url = "webcal://" + url.split("://", 1)[1]
    svg = qr_svg(url, title="防诈宣传活动日历")
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


# /events/{id}.ics is routed by app/pages/events_path.py to event_calendar_response.
routes: list[Any] = [public_calendar, private_calendar, feed_links, feed_qr]
