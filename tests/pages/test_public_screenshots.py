"""Phone screenshots of the public pages and the poster, for people to look at
(`screenshots/`, git-ignored); the checks live in the other public page tests."""

import asyncio
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.pages.public_support import IPHONE, WECHAT, phone_page
from tests.pages.screenshots import SCREENSHOTS, screenshot


def poster_png(pdf: bytes, target: Path) -> None:
    """The PDF's page as `<target>.png`, drawn by Poppler."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "poster.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "-singlefile", str(source), str(target)],
            check=True,
        )


async def test_phone_screenshots_of_the_public_pages(live_server, browser, demo):
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        now = datetime.now(UTC).isoformat()
        params = {"from": now, "limit": "100"}
        items = (await http.get("/api/events", params=params)).json()["items"]
        poster = await http.get("/branches/NJ-LK/poster.pdf")
    event = next(e for e in items if e["status"] == "scheduled" and e["rrule"])
    shots = [
        (None, "/", "public-home"),
        (None, "/?view=month", "public-month"),
        (None, f"/events/{event['id']}", "public-event"),
        (IPHONE, "/subscribe", "public-subscribe-iphone"),
        (WECHAT, "/subscribe", "public-subscribe-wechat"),
        (None, "/subscribe?device=android", "public-subscribe-android"),
    ]
    for agent, path, name in shots:
        page = await phone_page(browser, agent, device_scale_factor=2)
        await page.goto(f"{live_server}{path}")
        assert (await screenshot(page, name)).stat().st_size > 0
    elder = await phone_page(browser, device_scale_factor=2)
    await elder.goto(f"{live_server}/")
    await elder.click("text=大字模式")
    assert (await screenshot(elder, "public-home-large-text")).stat().st_size > 0
    await elder.goto(f"{live_server}/events/{event['id']}")
    assert (await screenshot(elder, "public-event-large-text")).stat().st_size > 0
    await asyncio.to_thread(poster_png, poster.content, SCREENSHOTS / "public-poster-NJ-LK")
    assert (SCREENSHOTS / "public-poster-NJ-LK.png").stat().st_size > 0
