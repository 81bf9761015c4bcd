"""Private calendar addresses: kept hashed, shown again, rotated with a password reset."""

import hashlib
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures import PASSWORD


async def private_path(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    me = await client.get("/api/users/me", headers=headers)
    assert me.status_code == 200, me.text
    return urlsplit(me.json()["private_calendar_url"]).path


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1].removesuffix(".ics")


async def test_the_database_keeps_only_a_digest_of_the_address(client, world):
    from accounts.tables import User

    path = await private_path(client, world.auth("staff_lk"))
    assert (await client.get(path)).status_code == 200
    # Shown again, the address is the same one.
    assert await private_path(client, world.auth("staff_lk")) == path
    token = token_of(path)
    row = await User.select().where(User.id == world.users["staff_lk"]).first()
    assert row is not None
    assert token not in str(row)
    assert row["calendar_token_hash"] == hashlib.sha256(token.encode()).hexdigest()


async def test_a_copy_of_the_database_gives_no_working_address(client, world):
    from accounts.calendar_tokens import calendar_token_for
    from accounts.tables import User

    await private_path(client, world.auth("staff_lk"))
    row = await User.select().where(User.id == world.users["staff_lk"]).first()
    assert row is not None
    guesses = [
        row["calendar_seed"],
        row["calendar_token_hash"],
        calendar_token_for(row["calendar_seed"], b"a key guessed by whoever took the copy"),
    ]
    for guess in guesses:
        assert (await client.get(f"/calendar/private/{guess}.ics")).status_code == 404


async def test_an_admin_password_reset_ends_the_old_address(client, world):
    old = await private_path(client, world.auth("staff_lk"))
    assert (await client.get(old)).status_code == 200
    reset = await client.patch(
        f"/api/users/{world.users['staff_lk']}",
        json={"password": "a brand new password"},
        headers=world.auth("admin"),
    )
    assert reset.status_code == 200
    assert (await client.get(old)).status_code == 404
    signed_in = await client.post(
        "/api/auth/login", json={"username": "staff_lk", "password": "a brand new password"}
    )
    headers = {"Authorization": f"Bearer {signed_in.json()['token']}"}
    new = await private_path(client, headers)
    assert new != old
    assert (await client.get(new)).status_code == 200
    # Other users keep theirs.
    theirs = await private_path(client, world.auth("staff_ls"))
    assert (await client.get(theirs)).status_code == 200


async def test_every_worker_shows_the_same_address(world):
    from app.factory import create_app

    paths = []
    for _ in range(2):
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            paths.append(await private_path(c, world.auth("coord")))
    assert paths[0] == paths[1]


async def test_signing_in_again_keeps_the_address(client, world):
    before = await private_path(client, world.auth("coord"))
    again = await client.post("/api/auth/login", json={"username": "coord", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {again.json()['token']}"}
    assert await private_path(client, headers) == before


def _key_in(folder: str) -> bytes:
    from pathlib import Path

    from app.server_secret import load_or_create_secret_key

    return load_or_create_secret_key(Path(folder) / "secret_key")


def test_the_key_file_is_made_once_for_the_owner_only(tmp_path, monkeypatch):
    from app.settings import Settings

    monkeypatch.delenv("FANGZHA_SECRET_KEY", raising=False)
    monkeypatch.setenv("FANGZHA_SQLITE_PATH", str(tmp_path / "data" / "fangzha.sqlite"))
    first = Settings.from_env().secret_key
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings.from_env().secret_key == first
    assert len(first) >= 32
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["secret_key"]


def test_workers_starting_together_agree_on_one_key(tmp_path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(_key_in, [str(tmp_path)] * 12))
    assert len(keys) == 1


def test_a_configured_key_wins_and_must_be_long(tmp_path, monkeypatch):
    from app.settings import Settings

    monkeypatch.setenv("FANGZHA_SQLITE_PATH", str(tmp_path / "fangzha.sqlite"))
    monkeypatch.setenv("FANGZHA_SECRET_KEY", "k" * 40)
    assert Settings.from_env().secret_key == b"k" * 40
    assert not os.path.exists(tmp_path / "secret_key")
    monkeypatch.setenv("FANGZHA_SECRET_KEY", "too short")
    with pytest.raises(RuntimeError, match="FANGZHA_SECRET_KEY"):
        Settings.from_env()
