"""Helpers for interception tests: valid bodies, events inserted directly, history reads."""

import itertools
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

_REFS = itertools.count(1)


def new_body(**overrides: Any) -> dict[str, Any]:
    """A valid create body; each call gets a fresh client_ref."""
    body: dict[str, Any] = {
        # The letter keeps hex digits and the counter from reading as one phone number.
        "client_ref": f"ref-{uuid.uuid4().hex[:8]}-n{next(_REFS)}",
        "occurred_at": "2025-06-01T14:30:00+08:00",
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": "86000.00",
        "victim_age_band": "60_plus",
        "description": "老人欲向“投资导师”转账，柜员劝阻",
    }
    body.update(overrides)
    return body


EventMaker = Callable[..., Awaitable[int]]


@pytest.fixture
def make_event(world) -> EventMaker:
    """Inserts an Event row (the events API is another slice's) and answers its id."""
    from events.tables import Event

    async def make(
        branch: str = "NJ-LK",
        starts_at: datetime | None = None,
        status: str = "scheduled",
        visibility: str = "public",
    ) -> int:
        start = starts_at or datetime(2025, 5, 20, 1, 0, tzinfo=UTC)
        now = datetime.now(UTC).replace(microsecond=0)
        rows = await Event.insert(
            Event(
                uid=f"{uuid.uuid4()}@test",
                title="防诈讲座",
                kind="lecture",
                branch=world.branches[branch],
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                status=status,
                visibility=visibility,
                created_at=now,
                updated_at=now,
            )
        ).returning(Event.id)
        return int(rows[0]["id"])

    return make


async def history(client, world, ident: int, user: str = "admin") -> list[dict[str, Any]]:
    response = await client.get(f"/api/interceptions/{ident}/history", headers=world.auth(user))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return page["items"]


async def log(client, world, user: str = "staff_lk", **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/interceptions", json=new_body(**overrides), headers=world.auth(user)
    )
    assert response.status_code == 201, response.text
    return response.json()
