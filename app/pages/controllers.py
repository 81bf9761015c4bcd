"""The sign-in page; the public pages are in public.py, the workspace in staff/ and coordinator/."""

from litestar import Controller, Request, get
from litestar.response import Template

from app.pages.rendering import page


class SignInPage(Controller):
    include_in_schema = False

    @get("/login", operation_id="loginPage")
    async def login(self, request: Request) -> Template:
        """The sign-in form for staff, coordinators and admins."""
        return page(request, "login.html")


__all__ = ["SignInPage"]
