"""Sign-in throttling: by (username, address) and by address, counted before the hash."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures import PASSWORD

WRONG = "not the password"


def at(app: Any, address: str) -> httpx.AsyncClient:
    """A client whose connection comes from the given address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50123))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str, **headers: str
) -> httpx.Response:
    return await client.post(
        "/api/auth/login", json={"username": username, "password": password}, headers=headers
    )


@pytest.fixture
def app_with(monkeypatch) -> Callable[..., Any]:
    """An app built with the given FANGZHA_* settings."""

    def build(**env: str) -> Any:
        from app.factory import create_app

        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return create_app()

    return build


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def move(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import accounts.login_throttle
    from core.clock import utcnow

    moved = Clock()

    def now() -> datetime:
        return utcnow() + moved.offset

    monkeypatch.setattr(accounts.login_throttle, "utcnow", now)
    return moved


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every Argon2 verification made, however it was reached."""
    import accounts.passwords

    made: list[str] = []
    real = accounts.passwords._matches

    def counted(password_hash: str, password: str) -> bool:
        made.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(accounts.passwords, "_matches", counted)
    return made


@pytest.fixture
async def guesser(app) -> AsyncIterator[httpx.AsyncClient]:
    async with at(app, "203.0.113.66") as client:
        yield client


async def test_fifty_concurrent_guesses_get_at_most_the_limit_checked(world, app, guesser, checks):
    answers = await asyncio.gather(*(sign_in(guesser, "coord", f"{WRONG} {n}") for n in range(50)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 5 + [429] * 45
    assert len(checks) == 5
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "Too many failed sign-ins" in refused.json()["detail"]
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    # Even the right password waits now, and is not checked either.
    assert (await sign_in(guesser, "coord", PASSWORD)).status_code == 429
    assert len(checks) == 5


async def test_the_owner_signs_in_from_elsewhere_while_a_guesser_is_locked_out(world, app, guesser):
    for _ in range(8):
        await sign_in(guesser, "admin", WRONG)
    assert (await sign_in(guesser, "admin", PASSWORD)).status_code == 429
    async with at(app, "198.51.100.20") as owner:
        answer = await sign_in(owner, "admin", PASSWORD)
    assert answer.status_code == 200
    assert answer.json()["user"]["username"] == "admin"


async def test_a_lockout_ends_and_failures_inside_it_do_not_renew_it(world, app, guesser, clock):
    for _ in range(5):
        assert (await sign_in(guesser, "coord", WRONG)).status_code == 401
    locked = await sign_in(guesser, "coord", PASSWORD)
    assert locked.status_code == 429
    # The guesser keeps trying all through the window.
    for _ in range(3):
        clock.move(minutes=4)
        assert (await sign_in(guesser, "coord", WRONG)).status_code == 429
    retry_after = int((await sign_in(guesser, "coord", PASSWORD)).headers["retry-after"])
    assert 0 < retry_after <= 3 * 60
    clock.move(minutes=3, seconds=1)
    assert (await sign_in(guesser, "coord", PASSWORD)).status_code == 200


async def test_one_address_guessing_many_usernames_is_stopped(world, app_with, checks):
    app = app_with(FANGZHA_LOGIN_MAX_FAILURES_PER_ADDRESS="8")
    async with at(app, "203.0.113.99") as sprayer:
        answers = [await sign_in(sprayer, f"user{n}", WRONG) for n in range(12)]
        assert [a.status_code for a in answers] == [401] * 8 + [429] * 4
        assert (await sign_in(sprayer, "staff_lk", PASSWORD)).status_code == 429
    assert len(checks) == 8
    async with at(app, "198.51.100.1") as elsewhere:
        assert (await sign_in(elsewhere, "staff_lk", PASSWORD)).status_code == 200


async def test_colleagues_behind_one_address_are_not_counted_as_failures(world, app_with):
    app = app_with(FANGZHA_LOGIN_MAX_FAILURES_PER_ADDRESS="3")
    async with at(app, "203.0.113.10") as branch_office:
        assert (await sign_in(branch_office, "staff_lk", WRONG)).status_code == 401
        for _ in range(4):
            for username in ("staff_lk", "staff_lka", "coord_lk"):
                answer = await sign_in(branch_office, username, PASSWORD)
                assert answer.status_code == 200, answer.text


async def test_x_forwarded_for_is_ignored_by_default(world, app, guesser):
    for n in range(5):
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert (await sign_in(guesser, "coord", WRONG, **forged)).status_code == 401
    fresh = {"X-Forwarded-For": "192.0.2.200"}
    assert (await sign_in(guesser, "coord", PASSWORD, **fresh)).status_code == 429


async def test_x_forwarded_for_from_a_trusted_proxy_names_the_client(world, app_with):
    app = app_with(FANGZHA_TRUSTED_PROXIES="10.0.0.0/8, 192.168.1.1")
    async with at(app, "10.1.2.3") as proxy:
        guesser = {"X-Forwarded-For": "203.0.113.7"}
        for _ in range(5):
            assert (await sign_in(proxy, "coord", WRONG, **guesser)).status_code == 401
        assert (await sign_in(proxy, "coord", PASSWORD, **guesser)).status_code == 429
        # What the guesser writes in the header comes first; our proxies append the real peer.
        spoofed = {"X-Forwarded-For": "198.51.100.5, 203.0.113.7, 192.168.1.1"}
        assert (await sign_in(proxy, "coord", PASSWORD, **spoofed)).status_code == 429
        owner = {"X-Forwarded-For": "198.51.100.5"}
        assert (await sign_in(proxy, "coord", PASSWORD, **owner)).status_code == 200
    # A connection from anywhere else names itself, whatever its header says.
    async with at(app, "198.51.100.30") as direct:
        claimed = {"X-Forwarded-For": "203.0.113.7"}
        assert (await sign_in(direct, "coord", PASSWORD, **claimed)).status_code == 200
    async with at(app, "198.51.100.66") as untrusted:
        for n in range(5):
            claimed = {"X-Forwarded-For": f"192.0.2.{n}"}
            assert (await sign_in(untrusted, "coord", WRONG, **claimed)).status_code == 401
        claimed = {"X-Forwarded-For": "192.0.2.222"}
        assert (await sign_in(untrusted, "coord", PASSWORD, **claimed)).status_code == 429


async def test_trusted_proxies_that_are_not_addresses_stop_the_start(monkeypatch):
    from app.settings import Settings

    monkeypatch.setenv("FANGZHA_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
    with pytest.raises(RuntimeError, match="FANGZHA_TRUSTED_PROXIES"):
        Settings.from_env()


async def test_one_ipv6_subscriber_is_one_address(world, app):
    # Each attempt from another address of the same /64, as any IPv6 host can.
    for n in range(5):
        async with at(app, f"2001:db8:5:7::{n + 1:x}") as guesser:
            assert (await sign_in(guesser, "coord", WRONG)).status_code == 401
    async with at(app, "2001:db8:5:7:ffff::9") as guesser:
        assert (await sign_in(guesser, "coord", PASSWORD)).status_code == 429
    async with at(app, "2001:db8:5:8::1") as neighbour:
        assert (await sign_in(neighbour, "coord", PASSWORD)).status_code == 200
