"""`fangzha serve --workers 2`: two real worker processes on one port, one database.

Whatever a worker keeps (the built feeds) must follow what the other writes,
and whatever is counted (sign-in attempts, sessions) is in the database, so it
holds whichever worker answers. The request log names the worker that answered,
which is how the test knows both took part.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.exports.test_feed_version import _titles
from tests.fixtures import PASSWORD
from tests.tools.server import production_env, request_lines, serving

# Enough fresh connections that the kernel hands some to each worker.
POLLS = 24


def _client(base: str) -> httpx.AsyncClient:
    # A new connection per request: a kept-alive one would stay with one worker.
    return httpx.AsyncClient(
        base_url=base, limits=httpx.Limits(max_keepalive_connections=0), timeout=30
    )


async def _poll(client: httpx.AsyncClient, **headers: str) -> list[httpx.Response]:
    return [
        await client.get("/calendar.ics", params={"branch": "NJ-LK"}, headers=headers)
        for _ in range(POLLS)
    ]


def _workers(log: Any, request_ids: list[str]) -> set[int]:
    by_id = {line["request_id"]: line for line in request_lines(log)}
    return {by_id[request_id]["worker"] for request_id in request_ids}


def _event_body(world: Any, title: str) -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    return {
        "title": title,
        "kind": "lecture",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "branch_id": world.branches["NJ-LK"],
        "venue": {"name": "六库会场", "venue_type": "branch_hall"},
    }


async def test_a_change_through_one_worker_is_in_every_workers_feed(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log, "--workers", "2") as base:
        async with _client(base) as client:
            created = await client.post(
                "/api/events", json=_event_body(world, "讲座"), headers=world.auth("coord")
            )
            assert created.status_code == 201, created.text
            warm = await _poll(client)
            assert {_titles(response.text).pop() for response in warm} == {"讲座"}

            edited = await client.patch(
                f"/api/events/{created.json()['id']}",
                json={"title": "讲座(改期)"},
                headers=world.auth("coord"),
            )
            assert edited.status_code == 200, edited.text
            after = await _poll(client, **{"If-None-Match": warm[0].headers["etag"]})
            # The feed's stated freshness is "the next request": no poll may miss the change.
            assert [response.status_code for response in after] == [200] * POLLS
            assert all(_titles(response.text) == {"讲座(改期)"} for response in after)
    request_ids = [response.headers["X-Request-ID"] for response in warm + after]
    assert len(_workers(log, request_ids)) == 2, "both workers answered feed polls"
    assert len(_workers(log, [r.headers["X-Request-ID"] for r in after])) == 2


async def test_sessions_and_sign_in_limits_hold_across_workers(world, tmp_path):
    log = tmp_path / "server.log"
    with serving(production_env(), log, "--workers", "2") as base:
        async with _client(base) as client:
            signed_in = await client.post(
                "/api/auth/login", json={"username": "staff_lk", "password": PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
            bearer = {"Authorization": f"Bearer {signed_in.json()['token']}"}
            me = [await client.get("/api/users/me", headers=bearer) for _ in range(POLLS)]
            assert {response.status_code for response in me} == {200}

            # Wrong passwords on fresh connections, spread over both workers, count together.
            refused = [
                await client.post(
                    "/api/auth/login", json={"username": "staff_ls", "password": "wrong pw 1"}
                )
                for _ in range(12)
            ]
    statuses = [response.status_code for response in refused]
    # Five failures allowed per account (LoginLimits), counted together whichever worker saw them.
    assert statuses == [401] * 5 + [429] * 7, statuses
    request_ids = [r.headers["X-Request-ID"] for r in me + refused]
    assert len(_workers(log, request_ids)) == 2
