"""Events for the feed tests, written as rows the way the events service writes them."""

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

AddEvent = Callable[..., Awaitable[int]]


def now_utc() -> datetime:
    return datetime.now(UTC)


# The day the feed tests' calendar dates were written against. Feeds hold the
# last 12 months, so these tests run with the clock moved to it, never on today.
FEED_TODAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def feed_today(time_machine: Any) -> datetime:
    time_machine.move_to(FEED_TODAY, tick=True)
    return FEED_TODAY


@pytest.fixture
def add_event(world, feed_today) -> AddEvent:
    """Inserts an event row; keyword arguments override the columns."""
    from accounts.feed_version import bump_feed_version
    from events.tables import Event

    async def add(**values: Any) -> int:
        start = values.pop("starts_at", datetime(2026, 12, 10, 2, 0, tzinfo=UTC))
        stamp = values.pop("updated_at", now_utc())
        for key in ("exdates", "languages", "audiences"):
            if key in values and not isinstance(values[key], str):
                values[key] = json.dumps(values[key])
        row = {
            "uid": f"{uuid.uuid4()}@fangzha-test",
            "title": "反诈讲座",
            "kind": "lecture",
            "branch": world.branches["NJ-LK"],
            "venue_name": "六库支行营业厅",
            "venue_address": "泸水市六库街道向阳路",
            "venue_type": "branch_hall",
            "starts_at": start,
            "ends_at": values.pop("ends_at", start + timedelta(hours=1, minutes=30)),
            "timezone": "Asia/Shanghai",
            "languages": json.dumps(["zh"]),
            "audiences": json.dumps(["general"]),
            "host": "余春梅",
            "description": "防范电信网络诈骗",
            "status": "scheduled",
            "visibility": "public",
            "sequence": 0,
            "created_at": stamp - timedelta(days=1),
            "updated_at": stamp,
        }
        row.update(values)
        rows = await Event.insert(Event(**row)).returning(Event.id)
        await bump_feed_version(stamp)
        return int(rows[0]["id"])

    return add


async def touch_event(event_id: int, **values: Any) -> None:
    """An edit as the events service makes it: new values, updated_at now, version moved."""
    from accounts.feed_version import bump_feed_version
    from events.tables import Event

    changes = {getattr(Event, k): v for k, v in values.items()}
    changes[Event.updated_at] = now_utc()
    await Event.update(changes).where(Event.id == event_id)
    await bump_feed_version(changes[Event.updated_at])


@asynccontextmanager
async def client_of(
    app: Any, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of an app built by the test (its own settings, its own caches)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


def app_with_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    """An app started with these environment variables: settings are read once, at start."""
    from app.factory import create_app

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app()
