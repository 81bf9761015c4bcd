"""Signing in and out of the pages: back to the asking page, sign-out anywhere, error pages."""

import re

import httpx
import pytest
from litestar import get

from accounts.guards import requires_coordinator
from app.pages.sign_in import safe_next
from tests.fixtures import PASSWORD

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@get("/coordinator-only", guards=[requires_coordinator], include_in_schema=False)
async def coordinator_only() -> str:
    return "for coordinators"


@pytest.fixture
def app():
    from app.factory import create_app

    app = create_app()
    # A page behind a role guard, as the workspace pages are.
    app.register(coordinator_only)
    return app


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/staff", "/staff"),
        ("/events/3?lang=en", "/events/3?lang=en"),
        ("/coordinator/events?view=week#today", "/coordinator/events?view=week#today"),
        (None, None),
        ("", None),
        ("staff", None),
        ("https://evil.example/", None),
        ("//evil.example/staff", None),
        ("/\\evil.example", None),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),  # still a local path, escaped
        ("/staff\r\nSet-Cookie: x", None),
        ("javascript:alert(1)", None),
        ("/login?next=/staff", None),
        ("/logout", None),
    ],
)
def test_next_is_only_ever_a_local_path(value, kept):
    assert safe_next(value) == kept


def data_next(page: str) -> str:
    found = re.search(r'id="login"[^>]*data-next="([^"]*)"', page)
    assert found, page[:500]
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    answer = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text


async def test_a_page_sends_to_sign_in_and_the_form_returns_there(client, world):
    answer = await client.get("/dashboard?year=2025", headers=HTML)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fdashboard%3Fyear%3D2025"
    form = await client.get(answer.headers["location"], headers=HTML)
    assert form.status_code == 200
    assert data_next(form.text) == "/dashboard?year=2025"
    assert "请先登录" in form.text
    # Another site's address is never a place to return to.
    for bad in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        form = await client.get("/login", params={"next": bad}, headers=HTML)
        assert data_next(form.text) == ""


async def test_sign_out_ends_the_session_and_clears_the_cookie(client, world):
    await sign_in(client, "staff_lk")
    desk = await client.get("/staff", headers=HTML)
    assert desk.status_code == 200
    assert 'action="/logout"' in desk.text
    assert "退出登录" in desk.text
    out = await client.post("/logout", headers={"Origin": "http://testserver"})
    assert out.status_code == 303
    assert out.headers["location"] == "/login?signed_out=1"
    assert re.search(r"fangzha_session=\"?\"?;.*Max-Age=0", out.headers["set-cookie"], re.I)
    assert "fangzha_session" not in client.cookies
    assert "您已退出登录" in (await client.get(out.headers["location"], headers=HTML)).text
    assert (await client.get("/staff", headers=HTML)).status_code == 303


async def test_the_old_cookie_stops_working_after_sign_out(client, world):
    await sign_in(client, "staff_lk")
    cookie = client.cookies["fangzha_session"]
    assert (await client.post("/logout")).status_code == 303
    stolen = {"Cookie": f"fangzha_session={cookie}"}
    me = await client.get("/api/users/me", headers=stolen)
    assert me.status_code == 401
    # The same cookie on a page: the sign-in form, saying the session has ended.
    page = await client.get("/coordinator-only", headers={**HTML, **stolen})
    assert page.status_code == 401
    assert "登录已过期" in page.text


async def test_another_site_cannot_sign_a_browser_out(client, world):
    await sign_in(client, "staff_lk")
    refused = await client.post("/logout", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert (await client.get("/api/users/me")).status_code == 200


async def test_401_403_404_are_pages_in_the_visitors_language(client, world):
    # Signed out: the sign-in form itself, returning to the page.
    page = await client.get("/coordinator-only?x=1", headers=HTML)
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text
    assert data_next(page.text) == "/coordinator-only?x=1"
    english = await client.get("/coordinator-only", headers={**HTML, "Accept-Language": "en"})
    assert english.status_code == 401
    assert "Please sign in to continue." in english.text
    # Signed in with too small a role.
    await sign_in(client, "staff_lk")
    page = await client.get("/coordinator-only", headers=HTML)
    assert page.status_code == 403
    assert "无权访问" in page.text
    assert "退出登录" in page.text  # the header of a signed-in page
    # An address that does not exist, still with the signed-in header.
    page = await client.get("/no-such-page", headers=HTML)
    assert page.status_code == 404
    assert "未找到" in page.text
    assert "退出登录" in page.text
    english = await client.get("/no-such-page?lang=en", headers=HTML)
    assert "Not found" in english.text


async def test_the_api_and_non_browsers_keep_json_errors(client, world):
    for path, status in (
        ("/api/users/me", 401),
        ("/api/nothing-here", 404),
        ("/calendar/private/nope.ics", 404),
        ("/static/nothing.css", 404),
    ):
        answer = await client.get(path, headers=HTML)
        assert answer.status_code == status, path
        assert answer.headers["content-type"].startswith("application/json"), path
        assert answer.json()["status_code"] == status
    # A script or tool that does not ask for HTML gets JSON from a page address too.
    answer = await client.get("/coordinator-only")
    assert answer.status_code == 401
    assert answer.json()["detail"]


async def test_admins_get_a_link_to_the_admin(client, world):
    for username, admin, planning in (
        ("admin", True, True),
        ("coord_lk", False, True),
        ("staff_lk", False, False),
    ):
        page = await client.get("/staff", headers={**HTML, **world.auth(username)})
        assert page.status_code == 200
        assert ('href="/admin/"' in page.text) is admin, username
        assert ('href="/coordinator/events"' in page.text) is planning, username
