"""Helpers for the events tests: building request bodies and creating through the API."""

from datetime import datetime
from typing import Any

import httpx
import pytest


def instant(text: str) -> datetime:
    """An API timestamp as a datetime: strings with and without microseconds do not sort."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def event_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "防范电信网络诈骗讲座",
        "kind": "lecture",
        "starts_at": "2025-03-14T10:00:00+08:00",
        "ends_at": "2025-03-14T11:30:00+08:00",
        "venue": {"name": "六库支行营业厅", "address": "向阳路", "venue_type": "branch_hall"},
        "host": "",
        "status": "scheduled",
        "visibility": "public",
    }
    body.update(overrides)
    return body


class Api:
    def __init__(self, client: httpx.AsyncClient, world: Any) -> None:
        self.client = client
        self.world = world

    async def create_event(self, user: str = "coord", **overrides: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/events", json=event_body(**overrides), headers=self.world.auth(user)
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def create_campaign(self, user: str = "coord", **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "2025年金融知识进万家",
            "theme": "finance_knowledge_home",
            "starts_on": "2025-05-01",
            "ends_on": "2025-06-30",
        }
        body.update(overrides)
        response = await self.client.post(
            "/api/campaigns", json=body, headers=self.world.auth(user)
        )
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def api(client: httpx.AsyncClient, world: Any) -> Api:
    return Api(client, world)
