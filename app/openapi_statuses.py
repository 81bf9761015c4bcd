"""Every operation documents each status it can answer, with the one error body.

The statuses follow from what a route is, so a plugin sets them as routes are
registered instead of a `responses={...}` on every decorator: a guard answers
401/403 (accounts/guards.py says which), a path parameter names a record that
may not exist (404), a body may be too large (413), a write or a filter may
break a rule (409/422), and any request may meet a database that cannot serve
(503). A handler's own `responses` (a richer 422, a 200 replay) win; its
`raises` add statuses only it can answer (the login's 401 and 429). The plugin
also documents query parameters without a null (core/api_operation.py).
"""

from http import HTTPStatus

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Operation
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from accounts.guards import GUARD_STATUSES
from core.api_operation import ApiOperation
from core.error_body import ErrorBody

WHAT = {
    400: "The request is not valid: a parameter or the body, as `detail` (and `extra`) says",
    401: "Not signed in, or the session has ended",
    403: "Signed in without the role this needs, or a write from another site",
    404: "No such record, or one the caller may not see",
    409: "The change clashes with what is stored (a duplicate, a clashing event, a record "
    "still in use)",
    413: "The request body is larger than this operation accepts",
    422: "The request is well-formed but breaks a rule (an unknown branch, a window too "
    "long, a review of one's own record, …)",
    429: "Too many attempts; `Retry-After` says when to try again",
    503: "The database cannot serve at the moment (unreachable, busy, read-only or out of "
    "space); nothing was written, `Retry-After` says when to try again",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Handler parameters that are not query parameters (dependencies count as filters).
_NOT_FILTERS = {"self", "request", "data", "state", "scope", "headers", "cookies", "socket"}


def statuses_of(handler: HTTPRouteHandler, path_parameters: list[str]) -> set[int]:
    """The error statuses `handler` can answer, from its guards, parameters and method."""
    statuses = {400, 503}  # a bad Host or a NUL anywhere; a database that cannot serve
    for layer in handler.ownership_layers:  # the guards as declared, before Litestar wraps them
        for guard in layer.guards or ():
            statuses.update(GUARD_STATUSES.get(guard, ()))
    if path_parameters:
        statuses.add(404)
    if handler.http_methods & _WRITES:
        # 403 too: the session cookie is refused on writes from another site (app/auth.py).
        statuses.update({403, 409, 413, 422})
    elif set(handler.parsed_fn_signature.parameters) - _NOT_FILTERS - set(path_parameters):
        statuses.add(422)  # a filter that names nothing, or a window the rules refuse
    statuses.update(exception.status_code for exception in handler.raises or ())
    return statuses


def document(handler: HTTPRouteHandler, path_parameters: list[str]) -> None:
    own = dict(handler.responses or {})
    for status in sorted(statuses_of(handler, path_parameters)):
        own.setdefault(
            status,
            ResponseSpec(
                ErrorBody,
                description=WHAT.get(status, HTTPStatus(status).phrase),
                generate_examples=False,
            ),
        )
    handler.responses = own
    if handler.operation_class is Operation:
        handler.operation_class = ApiOperation
    # Litestar's own entries for `raises` have an untyped body; ours replace them.
    handler.raises = None


class ErrorStatuses(ReceiveRoutePlugin):
    """Documents every route's error statuses as it is registered (see the module's doc)."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if handler.resolve_include_in_schema():
                document(handler, list(route.path_parameters))
