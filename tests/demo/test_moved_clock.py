"""The demo loaded on any day: upcoming events on `/`, the 2025 history unchanged.

The clock is moved in-process with time-machine and the app is served in the
same process (httpx's ASGI transport), so the loader, the pages, the API and the
reports all read the moved clock. No test names a day that must lie in the future.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import time_machine

from tests.fixtures import PASSWORD, empty_tables

CHINA = ZoneInfo("Asia/Shanghai")
HISTORY = {"from": "2025-01-01", "to": "2026-01-01"}
# A day on which the 2025 report is final, for demos loaded before it was.
AFTER_HISTORY = datetime(2026, 2, 1, 10, 0, tzinfo=CHINA)


def real_now() -> datetime:
    return datetime.now(UTC)


async def load(client: httpx.AsyncClient) -> dict[str, str]:
    """Loads the demo now (whatever the clock says) and signs the admin in."""
    from accounts.cli_accounts import ensure_admin
    from app.demo.load import load_demo

    loaded = await load_demo()
    assert loaded is not None
    await ensure_admin(PASSWORD)
    return await sign_in_admin(client)


async def sign_in_admin(client: httpx.AsyncClient) -> dict[str, str]:
    login = await client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    # The bearer token speaks for the admin; pages and public lists are read anonymously.
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def summary(client: httpx.AsyncClient, headers: dict[str, str], **window: str) -> Any:
    response = await client.get("/api/reports/summary", params=window, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def upcoming_public(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """What anyone sees listed for the next six weeks."""
    now = datetime.now(UTC)
    window = {"from": now.isoformat(), "to": (now + timedelta(weeks=6)).isoformat()}
    response = await client.get("/api/events", params={**window, "limit": 100})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["status"] == "scheduled"]


async def assert_home_shows_upcoming_events(client: httpx.AsyncClient) -> None:
    upcoming = await upcoming_public(client)
    assert len(upcoming) >= 3, upcoming
    home = await client.get("/")
    assert home.status_code == 200
    for event in upcoming:
        assert event["visibility"] == "public"
        assert event["title"] in home.text
    assert "近期反诈宣传活动" in home.text


def assert_article_figures(history: Any) -> None:
    assert history["events"]["by_kind"]["lecture"] == 9
    assert history["interceptions"]["verified"] == 11
    assert history["interceptions"]["amount_saved"] == "860000.00"


def what_the_report_counts(history: Any) -> dict[str, Any]:
    """The 2025 figures no generated event may touch (outreach once reports have it)."""
    outreach = history.get("outreach") or {}
    return {
        "lectures": history["events"]["by_kind"].get("lecture"),
        "home_visits": history["events"]["by_kind"].get("home_visit"),
        "interceptions": history["interceptions"],
        "by_fraud_type": history["by_fraud_type"],
        "outreach_home_visits": outreach.get("home_visits"),
        "remote_travel_km": outreach.get("remote_travel_km"),
    }


async def reference_history(client: httpx.AsyncClient) -> Any:
    """The 2025 summary of a demo loaded long after 2025: the fixed history alone."""
    with time_machine.travel(real_now() + timedelta(days=365)):
        headers = await load(client)
        history = await summary(client, headers, **HISTORY)
    await empty_tables()
    assert_article_figures(history)
    return history


async def test_a_year_ahead_the_home_page_has_upcoming_events_and_2025_is_unchanged(client):
    with time_machine.travel(real_now() + timedelta(days=365)):
        headers = await load(client)
        await assert_home_shows_upcoming_events(client)
        assert_article_figures(await summary(client, headers, **HISTORY))


async def test_loaded_in_the_first_minutes_of_2026_nothing_lands_in_2025(client):
    reference = await reference_history(client)
    with time_machine.travel(datetime(2026, 1, 1, 0, 30, tzinfo=CHINA)):
        headers = await load(client)
        await assert_home_shows_upcoming_events(client)
        assert await summary(client, headers, **HISTORY) == reference


async def test_loaded_on_3_january_2026_recent_activity_stays_in_2026(client):
    reference = await reference_history(client)
    with time_machine.travel(datetime(2026, 1, 3, 10, 0, tzinfo=CHINA)):
        headers = await load(client)
        await assert_home_shows_upcoming_events(client)
        assert await summary(client, headers, **HISTORY) == reference


async def test_loaded_early_next_january_the_year_before_gets_nothing(client):
    year = real_now().year + 1
    with time_machine.travel(datetime(year, 1, 2, 10, 0, tzinfo=CHINA)):
        headers = await load(client)
        await assert_home_shows_upcoming_events(client)
        last_year = {"from": f"{year - 1}-01-01", "to": f"{year}-01-01"}
        before = await summary(client, headers, **last_year)
        assert before["events"]["held"] == 0
        assert before["interceptions"]["verified"] == before["interceptions"]["pending"] == 0
        assert before["attendees"] == 0
        assert_article_figures(await summary(client, headers, **HISTORY))


async def test_loaded_in_2025_the_report_of_2025_is_unchanged(client):
    reference = await reference_history(client)
    with time_machine.travel(datetime(2025, 6, 15, 10, 0, tzinfo=CHINA)):
        await load(client)
        await assert_home_shows_upcoming_events(client)
    with time_machine.travel(AFTER_HISTORY):
        # Signed in again: the token issued under the earlier clock has lapsed by now.
        headers = await sign_in_admin(client)
        history = await summary(client, headers, **HISTORY)
    assert_article_figures(history)
    assert what_the_report_counts(history) == what_the_report_counts(reference)


async def test_mid_year_the_demo_has_this_years_activity(client):
    year = real_now().year + 1
    with time_machine.travel(datetime(year, 6, 15, 10, 0, tzinfo=CHINA)):
        headers = await load(client)
        tomorrow = (datetime.now(CHINA).date() + timedelta(days=1)).isoformat()
        this_year = await summary(client, headers, **{"from": f"{year}-01-01", "to": tomorrow})
        assert this_year["events"]["held"] >= 5
        assert this_year["events"]["by_kind"]["lecture"] == 2
        assert this_year["attendees"] > 0
        assert this_year["interceptions"] == {
            "verified": 2,
            "pending": 2,
            "amount_saved": "74000.00",
            "amount_pending": "36000.00",
        }
        campaigns = await client.get("/api/campaigns", headers=headers)
        running = [
            c
            for c in campaigns.json()["items"]
            if date.fromisoformat(c["starts_on"])
            <= datetime.now(CHINA).date()
            <= date.fromisoformat(c["ends_on"])
        ]
        assert len(running) == 1
        assert running[0]["name"].startswith(f"{year}年")
