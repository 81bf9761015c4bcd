"""Every response carries the browser-safety headers; no page runs inline script."""

from html.parser import HTMLParser

import httpx
import pytest

from tests.fixtures import PASSWORD


def policy(response: httpx.Response) -> dict[str, str]:
    header = response.headers["content-security-policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_safe(response: httpx.Response) -> None:
    found = policy(response)
    assert found["script-src"] == "'self'", response.url
    assert found["style-src"] == "'self'", response.url
    assert found["frame-ancestors"] == "'none'"
    assert found["object-src"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_pages_api_files_and_errors_all_carry_the_headers(client, world):
    answers = [
        await client.get("/"),
        await client.get("/login"),
        await client.get("/staff", headers=world.auth("staff_lk")),
        await client.get("/api/users/me"),
        await client.get("/api/users/me", headers=world.auth("staff_lk")),
        await client.post("/api/auth/login", content=b"{not json"),
        await client.get("/health"),
        await client.get("/static/site.css"),
        await client.get("/calendar.ics"),
        await client.get("/no-such-page"),
    ]
    assert {answer.status_code for answer in answers} >= {200, 400, 401, 404}
    for answer in answers:
        assert_safe(answer)
        assert "strict-transport-security" not in answer.headers


async def test_the_admin_refuses_inline_script_too(client, world):
    page = await client.get("/admin/", headers=world.auth("admin"))
    assert page.status_code == 200
    found = policy(page)
    # Its bundle compiles templates and adds styles at run time; inline script stays out.
    assert found["script-src"] == "'self' 'unsafe-eval'"
    assert found["frame-ancestors"] == "'none'"
    assert page.headers["x-content-type-options"] == "nosniff"
    redirected = await client.get("/admin/")
    assert redirected.status_code in (302, 303, 307)
    assert policy(redirected)["frame-ancestors"] == "'none'"


async def test_the_api_page_runs_under_the_same_policy(client):
    # Swagger UI is served by the app and started from a file: no CDN, no inline script.
    for path in ("/schema", "/schema/swagger", "/schema/openapi.json"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_safe(response)
        assert "cdn" not in response.text.lower(), path
    page = await client.get("/schema/swagger")
    finder = ScriptFinder()
    finder.feed(page.text)
    assert finder.inline == []
    assert "/static/api-docs.js" in finder.sources
    assert (await client.get("/schema/oauth2-redirect.html")).status_code == 404


async def test_https_public_url_turns_on_hsts(monkeypatch, world):
    from app.factory import create_app

    monkeypatch.setenv("FANGZHA_PUBLIC_URL", "https://fangzha.example")
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for path in ("/", "/health", "/no-such-page"):
            response = await client.get(path)
            assert response.headers["strict-transport-security"] == "max-age=31536000"
            assert_safe(response)


class ScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        handlers = [name for name in names if name.startswith("on")]
        if handlers:
            self.inline.append(f"<{tag} {' '.join(handlers)}>")
        if tag == "script":
            if names.get("src"):
                self.sources.append(str(names["src"]))
            else:
                self.inline.append("<script> without src")
        if (names.get("href") or "").startswith("javascript:"):
            self.inline.append(f"<{tag} href=javascript:>")


@pytest.mark.parametrize("username", [None, "staff_lk"])
async def test_no_page_has_inline_script(client, world, username):
    if username:
        signed_in = await client.post(
            "/api/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert signed_in.status_code == 200
    sources: list[str] = []
    for path in ("/", "/login", "/staff", "/dashboard", "/no-such-page", "/?lang=en"):
        page = await client.get(path)
        if page.headers["content-type"].startswith("text/html"):
            finder = ScriptFinder()
            finder.feed(page.text)
            assert finder.inline == [], path
            sources += finder.sources
    for source in set(sources):
        script = await client.get(source)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
