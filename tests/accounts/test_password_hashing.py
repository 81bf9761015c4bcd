"""Argon2 runs in worker threads, a bounded number at once, the same for every sign-in."""

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from argon2 import extract_parameters

from tests.fixtures import PASSWORD


class RecordingHasher:
    """Stands in for the Argon2 hasher: notes where and how each hash or check ran."""

    def __init__(self, real: Any, pause: float = 0.0) -> None:
        self.real = real
        self.pause = pause
        self.calls: list[tuple[str, int, Any]] = []
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()

    def _run(self, kind: str, parameters: Any, work: Any) -> Any:
        with self.lock:
            self.calls.append((kind, threading.get_ident(), parameters))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(self.pause)
            return work()
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password: str) -> str:
        return self._run("hash", None, lambda: self.real.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        parameters = extract_parameters(password_hash)
        return self._run("verify", parameters, lambda: self.real.verify(password_hash, password))


@pytest.fixture
def hasher(monkeypatch) -> RecordingHasher:
    import accounts.passwords

    recording = RecordingHasher(accounts.passwords._hasher())
    monkeypatch.setattr(accounts.passwords, "_hasher", lambda: recording)
    return recording


async def test_sign_in_checks_off_the_event_loop_and_unknown_users_cost_the_same(
    client, world, hasher
):
    loop_thread = threading.get_ident()
    known = await client.post("/api/auth/login", json={"username": "coord", "password": "nope"})
    unknown = await client.post(
        "/api/auth/login", json={"username": "nobody-at-all", "password": "nope"}
    )
    assert known.status_code == unknown.status_code == 401
    assert known.json()["detail"] == unknown.json()["detail"]
    checks = [call for call in hasher.calls if call[0] == "verify"]
    assert len(checks) == 2
    assert all(thread != loop_thread for _, thread, _ in checks)
    # One full Argon2 check each, with the parameters passwords are hashed with today.
    current = extract_parameters(hasher.real.hash("x"))
    assert [parameters for _, _, parameters in checks] == [current, current]


async def test_new_and_reset_passwords_are_hashed_off_the_event_loop(client, world, hasher):
    loop_thread = threading.get_ident()
    created = await client.post(
        "/api/users",
        json={
            "username": "new_staff",
            "password": "a long enough password",
            "role": "staff",
            "branch_id": world.branches["NJ-LK"],
        },
        headers=world.auth("admin"),
    )
    assert created.status_code == 201, created.text
    reset = await client.patch(
        f"/api/users/{created.json()['id']}",
        json={"password": "another long password"},
        headers=world.auth("admin"),
    )
    assert reset.status_code == 200, reset.text
    hashes = [call for call in hasher.calls if call[0] == "hash"]
    assert len(hashes) == 2
    assert all(thread != loop_thread for _, thread, _ in hashes)
    signed_in = await client.post(
        "/api/auth/login", json={"username": "new_staff", "password": "another long password"}
    )
    assert signed_in.status_code == 200


async def test_only_a_few_checks_run_at_once_and_other_requests_go_on(app, world, monkeypatch):
    import accounts.passwords

    slow = RecordingHasher(accounts.passwords._hasher(), pause=0.2)
    monkeypatch.setattr(accounts.passwords, "_hasher", lambda: slow)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def sign_in(n: int) -> int:
            response = await client.post(
                "/api/auth/login", json={"username": f"someone{n}", "password": "guess"}
            )
            return response.status_code

        flood = [asyncio.create_task(sign_in(n)) for n in range(10)]
        await asyncio.sleep(0.1)
        me = await client.get("/api/users/me", headers=world.auth("coord"))
        finished_before_me = sum(task.done() for task in flood)
        statuses = await asyncio.gather(*flood)
    assert me.status_code == 200
    assert statuses == [401] * 10
    # The default is two at a time (FANGZHA_PASSWORD_HASHING_THREADS).
    assert slow.most_at_once == 2
    # Ten checks of 0.2 s, two at a time, take a second; the other request did not wait.
    assert finished_before_me < 10


async def test_the_settings_say_how_many_checks_run_at_once(monkeypatch, world):
    import accounts.passwords
    from app.factory import create_app

    monkeypatch.setenv("FANGZHA_PASSWORD_HASHING_THREADS", "3")
    app = create_app()
    slow = RecordingHasher(accounts.passwords._hasher(), pause=0.1)
    monkeypatch.setattr(accounts.passwords, "_hasher", lambda: slow)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            await asyncio.gather(
                *(
                    c.post("/api/auth/login", json={"username": f"u{n}", "password": PASSWORD})
                    for n in range(9)
                )
            )
    finally:
        accounts.passwords.set_hashing_concurrency(accounts.passwords.DEFAULT_CONCURRENCY)
    assert slow.most_at_once == 3
