"""Fixtures: migrated database, a clean slate per test, a branch world, an HTTP client."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar

TABLES = [
    "login_throttle",
    "sessions",
    "piccolo_user",
    "interception_change",
    "interception",
    "attendance_change",
    "interception_tally",
    "attendance",
    "attendance_tally",
    "event_change",
    "occurrence",
    "event",
    "campaign",
    "api_token",
    "demo_account",
    "app_user",
    "branch",
    "feed_version",
]

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[None]:
    from app.database import close_database, migrate, open_database

    await open_database()
    await migrate()
    yield
    await close_database()


@pytest.fixture(autouse=True)
async def clean_database(database: None) -> None:
    await empty_tables()


async def empty_tables() -> None:
    """Deletes every row, as if the database had just been migrated."""
    from piccolo.engine.finder import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    engine = engine_finder()
    assert engine is not None
    if isinstance(engine, PostgresEngine):
        await engine.run_ddl(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        # The branch tree refers to itself; unlink it so rows can go in any order.
        await engine.run_ddl("UPDATE branch SET parent = NULL")
        for table in TABLES:
            await engine.run_ddl(f"DELETE FROM {table}")  # noqa: S608 - fixed names


@pytest.fixture
def app() -> Litestar:
    from app.factory import create_app

    return create_app()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class World:
    """A small branch tree with a user of every role.

    NJ (root) ─┬─ NJ-LK ── NJ-LK-A
               └─ NJ-LS
    """

    branches: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


WORLD_BRANCHES = [
    ("NJ", "工商银行怒江分行", None),
    ("NJ-LK", "六库支行", "NJ"),
    ("NJ-LK-A", "六库支行向阳网点", "NJ-LK"),
    ("NJ-LS", "泸水市支行", "NJ"),
]

WORLD_USERS = [
    ("admin", "admin", "NJ"),
    ("coord", "coordinator", "NJ"),
    ("coord_lk", "coordinator", "NJ-LK"),
    ("staff_lk", "staff", "NJ-LK"),
    ("staff_lka", "staff", "NJ-LK-A"),
    ("staff_ls", "staff", "NJ-LS"),
]


@pytest.fixture
async def world() -> World:
    from accounts.passwords import make_password_hash
    from accounts.tables import Branch, User
    from accounts.tokens import issue_token
    from core.clock import utcnow

    result = World()
    paths: dict[str, str] = {}
    for code, name, parent in WORLD_BRANCHES:
        rows = await Branch.insert(
            Branch(
                code=code,
                name=name,
                parent=result.branches.get(parent) if parent else None,
                path="",
                languages=json.dumps(["zh", "lis"]),
                address="",
            )
        ).returning(Branch.id)
        result.branches[code] = rows[0]["id"]
        paths[code] = f"{paths[parent] if parent else '/'}{rows[0]['id']}/"
        await Branch.update({Branch.path: paths[code]}).where(Branch.id == rows[0]["id"])
    password_hash = await make_password_hash(PASSWORD)
    for username, role, code in WORLD_USERS:
        rows = await User.insert(
            User(
                username=username,
                display_name=username,
                role=role,
                branch=result.branches[code],
                password_hash=password_hash,
                active=True,
                created_at=utcnow(),
            )
        ).returning(User.id)
        result.users[username] = rows[0]["id"]
        result.tokens[username] = await issue_token(rows[0]["id"])
    return result


def detail_of(response: httpx.Response) -> Any:
    return response.json().get("detail")


async def private_feed_path(client: httpx.AsyncClient, world: World, username: str) -> str:
    """The path of a user's private feed, as `GET /api/users/me` shows it to them."""
    from urllib.parse import urlsplit

    me = await client.get("/api/users/me", headers=world.auth(username))
    assert me.status_code == 200, me.text
    return urlsplit(me.json()["private_calendar_url"]).path
