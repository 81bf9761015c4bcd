"""HTTP answers for feeds: the coding a client takes, validators, 304 and HEAD."""

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from litestar import Request, Response
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from exports.feed_build import Feed
from exports.feed_encoding import IDENTITY, chosen_coding

# Litestar adds "; charset=utf-8" to text types itself.
CALENDAR_TYPE = "text/calendar"
PUBLIC_CACHE = "public, max-age=900"
PRIVATE_CACHE = "private, max-age=900"
# Route option on handlers whose bytes leave already compressed: a Litestar
# CompressionConfig for the pages must name it as `exclude_opt_key`, or it
# would compress them a second time.
ALREADY_COMPRESSED = "already_compressed"


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(request: Request, feed: Feed, etag: str) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {_opaque(t) for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since: datetime = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    # Against the version's own second, even when it lies ahead of the clock
    # and the header says "now": a later change never falls within it.
    return feed.last_modified <= since


def feed_response(
    request: Request, feed: Feed, cache_control: str, now: datetime
) -> Response[bytes]:
    """The feed in the coding the client takes best; 304 when it has it; HEAD without body."""
    coding = chosen_coding(request.headers.get("accept-encoding"))
    etag = feed.etag(coding)
    # RFC 9110 §8.8.2.1: never a Last-Modified later than the response's Date.
    shown = min(feed.last_modified, now.replace(microsecond=0))
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(shown, usegmt=True),
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
    }
    if not_modified(request, feed, etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    body = feed.bodies[coding]
    if coding != IDENTITY:
        headers["Content-Encoding"] = coding
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", media_type=CALENDAR_TYPE, headers=headers)
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)
