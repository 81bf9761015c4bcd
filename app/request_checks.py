"""What every request must be before a handler sees it: readable, and free of NUL.

Two pieces, set on the app once, so that no handler can forget:

- `CheckedRequest.json()`, the one way a JSON body is decoded (Litestar calls it
  for every `data` parameter): a body nested too deeply to decode, or not UTF-8,
  or holding NUL in any string, is a 400 instead of an unhandled error;
- the `before_request` hook `check_request`: NUL (U+0000) is refused in the
  path, the query string and any other body, and a body that says it is JSON is
  decoded (and so checked) even when its handler reads the bytes itself.
  PostgreSQL cannot store NUL in text and SQLite would, so without this the
  same request would answer differently on the two databases.
"""

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException, SerializationException

TOO_DEEP = "The request body is nested too deeply to read; send plain JSON objects and lists."
NOT_UTF8 = "The request body is not valid UTF-8 text; send JSON encoded as UTF-8."
NUL_IN_BODY = "The request body contains a NUL character (\\u0000); send UTF-8 text without it."
NUL_IN_ADDRESS = "The address or query string contains a NUL character (%00); remove it."
# Route option of handlers that stream a large body themselves and check it for NUL.
READS_OWN_BODY = "reads_own_body"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PERCENT_NUL = re.compile(rb"%00")


def _holds_nul(value: Any) -> bool:
    # Iterative: the decoder allows nesting deeper than a recursive walk would survive.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


class CheckedRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise ClientException(TOO_DEEP) from None
        except UnicodeDecodeError:
            raise ClientException(NOT_UTF8) from None
        if _holds_nul(value):
            raise ClientException(NUL_IN_BODY)
        return value


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Refuses, with a 400, input no handler can use; lets everything else through."""
    query = request.scope["query_string"]
    if "\x00" in request.scope["path"] or b"\x00" in query or _PERCENT_NUL.search(query):
        raise ClientException(NUL_IN_ADDRESS)
    if request.method not in _BODY_METHODS:
        return
    content_type, _ = request.content_type
    if _is_json(content_type):
        try:
            await request.json()
        except SerializationException as exc:
            # Worded by app.errors as "not valid JSON", like a handler's own decoding.
            raise ClientException(exc.detail) from exc
        return
    if request.route_handler.opt.get(READS_OWN_BODY):
        # It streams the body to disk and refuses NUL as it reads: reading it here
        # would hold a whole upload in memory first.
        return
    body = await request.body()
    if b"\x00" in body or (
        content_type == "application/x-www-form-urlencoded" and _PERCENT_NUL.search(body)
    ):
        raise ClientException(NUL_IN_BODY)
