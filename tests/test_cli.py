"""The `fangzha` command as a newcomer runs it: migrate, demo, users, serve — real processes."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).absolute().parents[1]
FANGZHA = Path(sys.executable).with_name("fangzha")
ADMIN_PASSWORD = "quick start pw"


@pytest.fixture
def cli_env(tmp_path):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("FANGZHA_ADMIN_PASSWORD", None)
    env["FANGZHA_SQLITE_PATH"] = str(tmp_path / "data" / "fangzha.sqlite")
    # The command must run the code under test, not whatever else is installed.
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """A migrated database with the demo in it, built once and copied by each test."""
    folder = tmp_path_factory.mktemp("template")
    env = {**os.environ, "FANGZHA_SQLITE_PATH": str(folder / "fangzha.sqlite")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(REPO)
    fangzha(env, "migrate")
    fangzha(env, "demo", "--if-empty")
    return folder


@pytest.fixture
def demo_env(cli_env, demo_template):
    target = Path(cli_env["FANGZHA_SQLITE_PATH"])
    target.parent.mkdir(parents=True, exist_ok=True)
    for source in demo_template.iterdir():
        shutil.copy(source, target.parent / source.name)
    return cli_env


def fangzha(
    env: dict[str, str], *args: str, extra_env: dict[str, str] | None = None, expect: int = 0
) -> Any:
    result = subprocess.run(
        [str(FANGZHA), *args],
        env={**env, **(extra_env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == expect, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def count(env: dict[str, str], table: str, where: str = "1=1") -> int:
    with sqlite3.connect(env["FANGZHA_SQLITE_PATH"]) as db:
        return db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]  # noqa: S608


def test_migrate_creates_the_database_and_is_repeatable(cli_env):
    first = fangzha(cli_env, "migrate")
    assert "up to date" in first.stdout
    assert Path(cli_env["FANGZHA_SQLITE_PATH"]).exists()
    assert count(cli_env, "branch") == 0
    again = fangzha(cli_env, "migrate")
    assert "up to date" in again.stdout
    with sqlite3.connect(cli_env["FANGZHA_SQLITE_PATH"]) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_demo_if_empty_loads_once(cli_env):
    fangzha(cli_env, "migrate")
    loaded = fangzha(cli_env, "demo", "--if-empty")
    assert "Demo data loaded." in loaded.stdout
    branches, users, events = (count(cli_env, t) for t in ("branch", "app_user", "event"))
    assert branches >= 6
    assert users >= 6
    assert events > 9
    assert count(cli_env, "interception", "status = 'verified'") >= 11
    skipped = fangzha(cli_env, "demo", "--if-empty")
    assert "not loaded" in skipped.stdout
    assert (count(cli_env, "branch"), count(cli_env, "app_user"), count(cli_env, "event")) == (
        branches,
        users,
        events,
    )


def test_users_create_makes_an_account_that_signs_in(demo_env):
    made = fangzha(
        demo_env,
        "users",
        "create",
        "--username",
        "new_staff",
        "--role",
        "staff",
        "--branch",
        "NJ-LK",
        "--display-name",
        "新员工",
        extra_env={"FANGZHA_NEW_PASSWORD": "a long password"},
    )
    assert "Created staff new_staff" in made.stdout
    assert count(demo_env, "app_user", "username = 'new_staff' AND role = 'staff'") == 1
    with sqlite3.connect(demo_env["FANGZHA_SQLITE_PATH"]) as db:
        stored = db.execute(
            "SELECT password_hash FROM app_user WHERE username = 'new_staff'"
        ).fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "a long password" not in stored


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "lk_staff", "--role", "staff", "--branch", "NJ-LK"], "taken"),
        (["--username", "x_1", "--role", "staff", "--branch", "NOPE"], "No branch"),
        (["--username", "has space", "--role", "staff", "--branch", "NJ-LK"], "not valid"),
    ],
)
def test_users_create_refuses_bad_accounts(demo_env, args, message):
    before = count(demo_env, "app_user")
    failed = fangzha(
        demo_env,
        "users",
        "create",
        *args,
        "--password",
        "a long password",
        expect=1,
    )
    assert message in failed.stderr
    assert "Traceback" not in failed.stderr
    assert count(demo_env, "app_user") == before


@pytest.mark.parametrize("password", ["short", "ninechars", " " * 12, "\u3000" * 12])
def test_users_create_refuses_a_short_password(demo_env, password):
    failed = fangzha(
        demo_env,
        "users",
        "create",
        *("--username", "shorty", "--role", "staff", "--branch", "NJ-LK", "--password", password),
        expect=1,
    )
    assert "password" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert count(demo_env, "app_user", "username = 'shorty'") == 0


def test_ensure_admin_creates_then_keeps_or_resets_the_admin(cli_env):
    fangzha(cli_env, "migrate")
    nowhere = fangzha(cli_env, "users", "ensure-admin", expect=1)
    assert "no branch" in nowhere.stderr
    fangzha(cli_env, "demo", "--if-empty")

    generated = fangzha(cli_env, "users", "ensure-admin")
    assert "Created user admin with password:" in generated.stdout
    assert count(cli_env, "app_user", "username = 'admin' AND role = 'admin'") == 1
    hash_of = "SELECT password_hash FROM app_user WHERE username = 'admin'"
    with sqlite3.connect(cli_env["FANGZHA_SQLITE_PATH"]) as db:
        first_hash = db.execute(hash_of).fetchone()[0]

    # Without a password an existing admin is left exactly as it was.
    kept = fangzha(cli_env, "users", "ensure-admin")
    assert "unchanged" in kept.stdout
    with sqlite3.connect(cli_env["FANGZHA_SQLITE_PATH"]) as db:
        assert db.execute(hash_of).fetchone()[0] == first_hash

    reset = fangzha(
        cli_env, "users", "ensure-admin", extra_env={"FANGZHA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    )
    assert "password was set" in reset.stdout
    with sqlite3.connect(cli_env["FANGZHA_SQLITE_PATH"]) as db:
        assert db.execute(hash_of).fetchone()[0] != first_hash
    assert count(cli_env, "app_user", "username = 'admin'") == 1

    too_short = fangzha(
        cli_env, "users", "ensure-admin", extra_env={"FANGZHA_ADMIN_PASSWORD": "short"}, expect=1
    )
    assert "10 characters" in too_short.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(base: str, process: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"fangzha serve exited early:\n{output[-3000:]}")
        try:
            response = httpx.get(f"{base}/health", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("fangzha serve did not answer /health in time")


def test_quick_start_sequence_serves_a_working_api(cli_env):
    """What `make run` does: migrate, demo --if-empty, serve; then admin signs in over HTTP."""
    env = {**cli_env, "FANGZHA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    fangzha(env, "migrate")
    fangzha(env, "demo", "--if-empty")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(FANGZHA), "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = wait_for_health(base, process)
        assert health.json() == {"status": "ok", "database": "ok"}
        schema = httpx.get(f"{base}/schema", timeout=10)
        assert schema.status_code == 200
        assert "text/html" in schema.headers["content-type"]

        login = httpx.post(
            f"{base}/api/auth/login",
            json={"username": "admin", "password": ADMIN_PASSWORD},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        assert "HttpOnly" in login.headers["set-cookie"]
        token = login.json()["token"]
        me = httpx.get(
            f"{base}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert me.status_code == 200
        assert me.json()["username"] == "admin"
        assert me.json()["role"] == "admin"
        assert me.json()["private_calendar_url"].startswith(f"{base}/calendar/private/")

        branches = httpx.get(
            f"{base}/api/branches", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert {"NJ", "NJ-LK", "NJ-LS"} <= {b["code"] for b in branches.json()["items"]}
        assert httpx.get(f"{base}/api/branches", timeout=10).status_code == 401
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Listening on every interface is what these tests are about.
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104


def printed_password(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Demo password: ")]
    assert len(lines) == 1, output
    return lines[0].removeprefix("Demo password: ").strip()


def start_server(env: dict[str, str], *args: str) -> tuple[str, Any]:
    port = free_port()
    process = subprocess.Popen(
        [str(FANGZHA), "serve", "--port", str(port), *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, process)
    return base, process


def stop_server(process: Any) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def signs_in(base: str, username: str, password: str) -> bool:
    login = httpx.post(
        f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert login.status_code in (200, 401), login.text
    return login.status_code == 200


def test_demo_password_is_random_printed_once_and_can_be_renewed(cli_env, tmp_path):
    fangzha(cli_env, "migrate")
    loaded = fangzha(cli_env, "demo", "--if-empty")
    password = printed_password(loaded.stdout)
    assert "lk_staff" in loaded.stdout
    assert "fangzha demo password" in loaded.stdout
    # Nothing shows it again: a second run loads nothing and prints no password.
    again = fangzha(cli_env, "demo", "--if-empty")
    assert password not in again.stdout
    assert "Demo password" not in again.stdout

    # Another database gets another password: there is no shared demo password.
    other_env = {**cli_env, "FANGZHA_SQLITE_PATH": str(tmp_path / "other" / "fangzha.sqlite")}
    fangzha(other_env, "migrate")
    assert printed_password(fangzha(other_env, "demo").stdout) != password

    base, process = start_server(cli_env)
    try:
        assert signs_in(base, "lk_staff", password)
        assert signs_in(base, "nj_coord", password)
        renewed = printed_password(fangzha(cli_env, "demo", "password").stdout)
        assert renewed != password
        assert signs_in(base, "lk_staff", renewed)
        assert not signs_in(base, "lk_staff", password)
    finally:
        stop_server(process)


def test_demo_password_renews_only_demo_accounts(demo_env):
    fangzha(
        demo_env,
        *("users", "create", "--username", "real_staff", "--role", "staff", "--branch", "NJ-LK"),
        extra_env={"FANGZHA_NEW_PASSWORD": "a long password"},
    )
    hash_of = "SELECT password_hash FROM app_user WHERE username = 'real_staff'"
    with sqlite3.connect(demo_env["FANGZHA_SQLITE_PATH"]) as db:
        before = db.execute(hash_of).fetchone()[0]
    renewed = fangzha(demo_env, "demo", "password")
    assert "real_staff" not in renewed.stdout
    with sqlite3.connect(demo_env["FANGZHA_SQLITE_PATH"]) as db:
        assert db.execute(hash_of).fetchone()[0] == before


def test_demo_password_without_a_demo_says_so(cli_env):
    fangzha(cli_env, "migrate")
    failed = fangzha(cli_env, "demo", "password", expect=1)
    assert "no demo accounts" in failed.stderr
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("host", [EVERY_INTERFACE, "::", "192.0.2.10", "fangzha.example"])
def test_serve_refuses_a_network_address_while_demo_accounts_exist(demo_env, host):
    refused = fangzha(demo_env, "serve", "--host", host, "--port", str(free_port()), expect=1)
    assert f"Refusing to serve on {host}" in refused.stderr
    assert "--allow-demo-on-network" in refused.stderr
    assert "lk_staff" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "serving" not in refused.stdout


def test_serve_on_the_network_when_told_or_when_no_demo_account_can_sign_in(demo_env):
    _, process = start_server(demo_env, "--host", EVERY_INTERFACE, "--allow-demo-on-network")
    stop_server(process)

    with sqlite3.connect(demo_env["FANGZHA_SQLITE_PATH"]) as db:
        db.execute("UPDATE app_user SET active = 0 WHERE username <> 'admin'")
    base, process = start_server(demo_env, "--host", EVERY_INTERFACE)
    try:
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
    finally:
        stop_server(process)


def test_serve_on_the_network_without_the_demo(cli_env):
    fangzha(cli_env, "migrate")
    _, process = start_server(cli_env, "--host", EVERY_INTERFACE)
    stop_server(process)


def test_fetch_limits_are_read_from_the_environment_once(monkeypatch):
    from app.settings import Settings

    monkeypatch.setenv("FANGZHA_ALLOW_PRIVATE_FETCH", "1")
    monkeypatch.setenv("FANGZHA_FETCH_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("FANGZHA_FETCH_MAX_BYTES", "not a number")
    limits = Settings.from_env().fetch_limits
    assert (limits.allow_private, limits.timeout_seconds) == (True, 0.5)
    assert limits.max_bytes == 5 * 1024 * 1024  # a value that is not a number keeps the default
