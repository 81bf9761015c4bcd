"""Calendar import from an address: the page previews what it fetched, then imports that."""

import base64
import re

from tests.events.test_calendar_import import _events, ics, private_fetch, server, vevent

__all__ = ["private_fetch", "server"]


def _calendar_field(page: str) -> str:
    found = re.search(r'name="calendar" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


async def test_import_from_an_address_after_the_preview(client, world, server, private_fetch):
    base, routes = server
    first = ics(vevent("talk@police", "派出所反诈讲座"))
    routes["/police.ics"] = (200, {"Content-Type": "text/calendar"}, first, 0)
    coordinator = world.auth("coord")

    preview = await client.post(
        "/coordinator/import/preview",
        data={"url": f"{base}/police.ics", "branch_id": str(world.branches["NJ"])},
        files={"file": ("", b"", "application/octet-stream")},
        headers=coordinator,
    )
    assert preview.status_code == 200, preview.text[:500]
    assert 'id="preview-created">1<' in preview.text
    assert "派出所反诈讲座" in preview.text
    assert await _events() == []
    calendar = _calendar_field(preview.text)
    assert base64.b64decode(calendar) == first

    # The address changes after the preview: the import stores what was previewed.
    routes["/police.ics"] = (200, {}, ics(vevent("other@police", "另一场")), 0)
    done = await client.post(
        "/coordinator/import",
        data={"calendar": calendar, "branch_id": str(world.branches["NJ"])},
        headers=coordinator,
    )
    assert done.status_code == 200, done.text[:500]
    assert 'id="done-created">1<' in done.text
    assert [e["title"] for e in await _events()] == ["派出所反诈讲座"]


async def test_an_address_that_answers_no_calendar_is_said_by_the_field(
    client, world, server, private_fetch
):
    base, _ = server
    response = await client.post(
        "/coordinator/import/preview",
        data={"url": f"{base}/missing.ics"},
        files={"file": ("", b"", "application/octet-stream")},
        headers=world.auth("coord"),
    )
    assert response.status_code == 422
    assert 'id="source-error"' in response.text
    assert await _events() == []


async def test_staff_cannot_import(client, world):
    response = await client.post(
        "/coordinator/import/preview",
        data={"url": "https://example.org/x.ics"},
        files={"file": ("", b"", "application/octet-stream")},
        headers=world.auth("staff_lk"),
    )
    assert response.status_code == 403
