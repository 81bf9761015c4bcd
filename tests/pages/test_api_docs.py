"""/schema renders every operation in Chromium with the network to anything but the app cut."""

from typing import Any
from urllib.parse import urlsplit

import httpx

from app.security_headers import CONTENT_SECURITY_POLICY

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


async def test_schema_page_works_offline(live_server, browser):
    app_host = urlsplit(live_server).netloc
    blocked: list[str] = []
    problems: list[str] = []

    async def only_the_app(route: Any) -> None:
        if urlsplit(route.request.url).netloc == app_host:
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    context = await browser.new_context()
    await context.route("**/*", only_the_app)
    page = await context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    response = await page.goto(f"{live_server}/schema")
    assert response is not None
    assert response.status == 200
    assert (await response.all_headers())["content-security-policy"] == CONTENT_SECURITY_POLICY
    await page.wait_for_selector(".opblock", timeout=30_000)
    await page.wait_for_load_state("networkidle")

    async with httpx.AsyncClient(base_url=live_server) as http:
        schema = (await http.get("/schema/openapi.json")).json()
    expected = {
        (method.upper(), path, operation["operationId"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }
    shown = await page.eval_on_selector_all(
        ".opblock",
        """blocks => blocks.map(b => [
            b.querySelector('.opblock-summary-method').textContent.trim(),
            b.querySelector('.opblock-summary-path').dataset.path,
            b.querySelector('.opblock-summary-operation-id').textContent.trim(),
        ])""",
    )
    assert len(expected) > 20
    assert {tuple(row) for row in shown} == expected
    assert await page.title() == schema["info"]["title"]
    assert blocked == []  # nothing even tried to leave
    assert problems == []
    await context.close()
