"""Sign-in against a real server process: a flood does not stall it, headers are not believed."""

import asyncio
import time

import httpx

from tests.fixtures import PASSWORD
from tests.tools.server import production_env, serving

FLOOD = 40


async def test_health_answers_within_a_second_during_a_login_flood(world, tmp_path):
    # Forty guessers at forty addresses behind the one trusted proxy: none is throttled,
    # so every sign-in costs a full Argon2 verification.
    env = production_env(FANGZHA_TRUSTED_PROXIES="127.0.0.1")
    with serving(env, tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:

            async def bad_login(n: int) -> tuple[int, float]:
                response = await client.post(
                    "/api/auth/login",
                    json={"username": f"guess{n}", "password": "not the password"},
                    headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
                )
                return response.status_code, time.monotonic()

            flood = [asyncio.create_task(bad_login(n)) for n in range(FLOOD)]
            await asyncio.sleep(0.3)
            asked = time.monotonic()
            health = await client.get("/health")
            answered = time.monotonic()
            results = await asyncio.gather(*flood)

    assert health.status_code == 200
    assert answered - asked < 1.0, f"/health took {answered - asked:.2f} s"
    assert [status for status, _ in results] == [401] * FLOOD
    # The flood was still being checked when /health answered.
    assert max(done for _, done in results) > answered


async def test_the_server_believes_no_forwarded_for_header_by_default(world, tmp_path):
    with serving(production_env(), tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for n in range(5):
                response = await client.post(
                    "/api/auth/login",
                    json={"username": "coord", "password": "not the password"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                )
                assert response.status_code == 401
            fresh = await client.post(
                "/api/auth/login",
                json={"username": "coord", "password": PASSWORD},
                headers={"X-Forwarded-For": "198.51.100.200"},
            )
    assert fresh.status_code == 429
