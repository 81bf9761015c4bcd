"""The addresses a subscriber is handed: the /subscribe page (what every QR code holds),
the feed itself over https, and its webcal:// form for Apple calendars."""

from dataclasses import dataclass
from urllib.parse import urlencode

from exports.feed_filters import FeedFilters


@dataclass(frozen=True)
class SubscribeLinks:
    page: str  # /subscribe with the feed's filters: the QR code's target
    https: str  # the feed itself, for calendar apps that take an address
    webcal: str  # the same feed for Apple's calendars, which subscribe on tap


def _with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    return url + (f"?{urlencode(pairs)}" if pairs else "")


def subscribe_links(
    base: str, filters: FeedFilters, private_token: str | None = None
) -> SubscribeLinks:
    """Links of the public feed with these filters, or of a private feed by its token."""
    pairs = filters.query_items()
    if private_token is None:
        feed = _with_query(f"{base}/calendar.ics", pairs)
        page = _with_query(f"{base}/subscribe", pairs)
    else:
        feed = _with_query(f"{base}/calendar/private/{private_token}.ics", pairs)
        page = _with_query(f"{base}/subscribe", [("private", private_token), *pairs])
    return SubscribeLinks(page=page, https=feed, webcal="webcal://" + feed.split("://", 1)[1])
