"""`/events/{id}` is a page and `/events/{id}.ics` a calendar file: one route serves both.

Litestar cannot hold two routes whose only difference is a suffix on the same
path parameter, so this handler looks at the name and hands `.ics` requests to
the calendar export.
"""

from dataclasses import dataclass, replace

from litestar import MediaType, Request, Response, route
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Schema,
)
from litestar.params import FromPath
from litestar.response import Template

from app.pages.public import event_page
from app.pages.public_rendering import encoded_page, problem_page
from core.api_operation import ApiOperation
from exports.feed_controllers import (
    FEED_OPT,
    GET_AND_HEAD,
    event_calendar_response,
    operation_ids,
)
from exports.feed_responses import CALENDAR_TYPE


@dataclass
class PageOrFileOperation(ApiOperation):
    """The page is HTML and the file iCalendar; an unknown event is the HTML 404 page
    (`/events/{id}`) or the JSON error (`/events/{id}.ics`)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        responses = dict(self.responses or {})
        for status, media_type in (("200", CALENDAR_TYPE), ("404", MediaType.HTML.value)):
            answer = responses.get(status)
            if isinstance(answer, OpenAPIResponse):
                content = {
                    **(answer.content or {}),
                    media_type: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                }
                responses[status] = replace(answer, content=content)
        self.responses = responses


@route(
    "/events/{name:str}",
    http_method=GET_AND_HEAD,
    operation_id=operation_ids("eventPageOrCalendarFile"),
    operation_class=PageOrFileOperation,
    # Pages here stay uncompressed by Litestar too: the .ics answers already are.
    opt=FEED_OPT,
    include_in_schema=True,
    media_type=MediaType.HTML,
    tags=["calendar"],
)
async def event_page_or_file(request: Request, name: FromPath[str]) -> Template | Response[bytes]:
    """An event's web page (`/events/{id}`) or its .ics file (`/events/{id}.ics`)."""
    if name.endswith(".ics"):
        return await event_calendar_response(request, name)
    if name.isdigit() and len(name) <= 10:
        return encoded_page(request, await event_page(request, int(name)))
    return encoded_page(
        request, problem_page(request, 404, "This event does not exist, or it is not public.")
    )
