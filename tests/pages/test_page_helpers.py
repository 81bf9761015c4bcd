"""The shared page-test helpers find what they should: axe-core violations, screenshots."""

from tests.pages.axe import serious_violations
from tests.pages.screenshots import SCREENSHOTS, screenshot
from tests.pages.viewports import PHONE_CONTEXT

INACCESSIBLE = """
<!doctype html><html><head><title>t</title></head><body><main>
<img src="/static/none.png"><button></button>
</main></body></html>
"""


async def test_axe_finds_serious_violations_under_the_real_policy(live_server, browser):
    context = await browser.new_context(**PHONE_CONTEXT)
    page = await context.new_page()
    # A page of the app, under its own Content-Security-Policy: axe still runs.
    await page.goto(f"{live_server}/login")
    assert await serious_violations(page) == []
    # The same helper on a broken page: a button without a name, an image without alt text.
    await page.set_content(INACCESSIBLE)
    found = {v["id"] for v in await serious_violations(page)}
    assert {"button-name", "image-alt"} <= found
    path = await screenshot(page, "helpers/broken page")
    assert path.parent == SCREENSHOTS
    assert path.name == "helpers-broken-page.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    path.unlink()
    await context.close()
