"""What every coordinator page shares: who may open it, labels, and errors in the reader's words."""

from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template

from accounts.branches import list_branches
from accounts.caller import Caller
from accounts.guards import caller_of
from accounts.roles import Role, at_least
from accounts.schemas import BranchOut
from app.error_language import render as render_message
from app.i18n import negotiate
from app.pages import formatting
from app.pages.coordinator import choices
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from core.errors import message_of


def coordinator(request: Request) -> Caller | Redirect:
    """The signed-in coordinator or admin; anonymous visitors are sent to sign in first."""
    caller = caller_of(request)
    if caller is None:
        return sign_in_redirect(request)
    if not at_least(caller.role, Role.COORDINATOR):
        raise PermissionDeniedException(detail="Only coordinators and admins can plan.")
    return caller


def translated(request: Request, refusal: "str | BaseException") -> str:
    """A service's refusal (or a page's own sentence) in the page's language.

    Refusals carry their message template and values; the error handlers' own
    rendering fills in the translation, so the pages and the API say the same.
    """
    locale = negotiate(request)
    if locale == "en":
        return str(message_of(refusal))
    return render_message(message_of(refusal), locale)


async def branch_choices(caller: Caller) -> list[BranchOut]:
    """The branches the caller plans for, in tree order."""
    branches, _ = await list_branches(caller, 500, 0)
    return branches


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Template:
    locale = negotiate(request)
    return page(
        request,
        template,
        status_code=status_code,
        choices=choices,
        label=lambda table, code: choices.label(table, code, locale),
        options=lambda table: choices.options(table, locale),
        when=lambda e: formatting.when(e.starts_at, e.ends_at, e.timezone, locale),
        yuan=lambda amount: formatting.yuan(amount, locale),
        **context,
    )
