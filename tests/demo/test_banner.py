"""Every web page says 演示数据 while demo data is in the database, and only then."""

from datetime import UTC, datetime, timedelta

import time_machine

from tests.fixtures import PASSWORD, empty_tables

BANNER = 'class="demo-banner"'


def pages(event_id: int) -> list[str]:
    # English last: the choice sticks in a cookie.
    return [
        "/",
        "/login",
        f"/events/{event_id}",
        "/events/999999",
        "/staff",
        "/dashboard",
        "/dashboard?lang=en",
    ]


async def sign_in(client, username: str, password: str) -> None:
    """Signs in with the session cookie, as the web pages do."""
    login = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text


async def test_every_page_shows_the_banner_while_the_demo_is_loaded(client):
    from app.demo.load import load_demo
    from events.tables import Event

    demo = await load_demo()
    assert demo is not None
    await sign_in(client, "lk_staff", demo.password)
    event = await Event.select(Event.id).where(Event.visibility == "public").first()
    assert event is not None
    for path in pages(event["id"]):
        response = await client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert "text/html" in response.headers["content-type"], path
        assert BANNER in response.text, path
        if "lang=en" in path:
            assert "<strong>Demo data</strong>" in response.text
        else:
            assert "<strong>演示数据</strong>" in response.text, path


async def test_no_banner_without_demo_data(client, world):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    created = await client.post(
        "/api/events",
        json={
            "title": "六库支行反诈讲座",
            "kind": "lecture",
            "branch_id": world.branches["NJ-LK"],
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "status": "scheduled",
        },
        headers=world.auth("coord"),
    )
    assert created.status_code == 201, created.text
    assert "六库支行反诈讲座" in (await client.get("/")).text
    await sign_in(client, "staff_lk", PASSWORD)
    for path in pages(created.json()["id"]):
        response = await client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert BANNER not in response.text, path
        assert "演示数据" not in response.text, path
        assert "Demo data" not in response.text, path


async def test_banner_follows_the_database_within_seconds(client):
    """The demo is loaded and removed by other processes; the page catches up by itself."""
    from app.demo.banner import RECHECK_SECONDS
    from app.demo.load import load_demo

    assert BANNER not in (await client.get("/")).text
    assert await load_demo() is not None
    with time_machine.travel(timedelta(seconds=RECHECK_SECONDS + 1)):
        assert BANNER in (await client.get("/")).text
        await empty_tables()
        with time_machine.travel(timedelta(seconds=RECHECK_SECONDS + 1)):
            assert BANNER not in (await client.get("/")).text
