"""Account rules that read then write hold when admins race, on SQLite and PostgreSQL.

Each test fires its requests at once with asyncio.gather over the ASGI client:
on PostgreSQL every request takes its own pooled connection, so the check of
one request and the write of another interleave (READ COMMITTED lets two
transactions both read before either writes, unless the rule is serialised).
A race is not lost every time, so each test runs several rounds.
"""

import asyncio
from typing import Any

import httpx

from tests.fixtures import PASSWORD, World, detail_of

ROUNDS = 4


async def _gather(*requests: Any) -> list[httpx.Response]:
    return list(await asyncio.gather(*requests))


async def _new_admin(world: World, username: str) -> str:
    from accounts.passwords import make_password_hash
    from accounts.tables import User
    from accounts.tokens import issue_token
    from core.clock import utcnow

    rows = await User.insert(
        User(
            username=username,
            display_name=username,
            role="admin",
            branch=world.branches["NJ"],
            password_hash=await make_password_hash(PASSWORD),
            active=True,
            created_at=utcnow(),
        )
    ).returning(User.id)
    world.users[username] = rows[0]["id"]
    world.tokens[username] = await issue_token(rows[0]["id"])
    return username


async def _active_admins() -> list[int]:
    from accounts.tables import User

    rows = await User.select(User.id).where((User.role == "admin") & User.active.eq(True))
    return [row["id"] for row in rows]


async def _admins_remove_each_other(client, world, change: dict[str, Any]) -> None:
    """Two admins, the only active ones, each remove the other at the same moment."""
    pair = ["admin", await _new_admin(world, "admin_0")]
    for n in range(ROUNDS):
        assert sorted(await _active_admins()) == sorted(world.users[u] for u in pair)
        first, second = pair
        responses = await _gather(
            client.patch(
                f"/api/users/{world.users[second]}", json=change, headers=world.auth(first)
            ),
            client.patch(
                f"/api/users/{world.users[first]}", json=change, headers=world.auth(second)
            ),
        )
        survivors = await _active_admins()
        assert len(survivors) == 1, (n, [r.text for r in responses])
        statuses = sorted(r.status_code for r in responses)
        # The loser is refused as the remover of the last admin, or, when the winner's
        # change committed before the loser's request was authorised, as no longer an
        # admin (403) or no longer signed in (401: deactivation ends the sessions).
        assert statuses in ([200, 401], [200, 403], [200, 422]), statuses
        refused = next(r for r in responses if r.status_code != 200)
        if refused.status_code == 422:
            assert "last active admin" in detail_of(refused)
        survivor = next(u for u in pair if world.users[u] == survivors[0])
        pair = [survivor, await _new_admin(world, f"admin_{n + 1}")]


async def test_two_admins_demoting_each_other_leave_one_admin(client, world):
    await _admins_remove_each_other(client, world, {"role": "coordinator"})


async def test_two_admins_deactivating_each_other_leave_one_admin(client, world):
    await _admins_remove_each_other(client, world, {"active": False})


async def _branch(client, world, code: str, parent: int) -> int:
    response = await client.post(
        "/api/branches",
        json={"code": code, "name": code, "parent_id": parent},
        headers=world.auth("admin"),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_crossed_branch_moves_never_make_a_cycle(client, world):
    from accounts.tables import Branch

    root = world.branches["NJ"]
    for n in range(ROUNDS):
        # X ── XA, and Y: moving Y under XA and X under Y at once would close a loop
        # if both moves checked the tree before either was written.
        x = await _branch(client, world, f"X{n}", root)
        xa = await _branch(client, world, f"X{n}-A", x)
        y = await _branch(client, world, f"Y{n}", root)
        responses = await _gather(
            client.patch(f"/api/branches/{y}", json={"parent_id": xa}, headers=world.auth("admin")),
            client.patch(f"/api/branches/{x}", json={"parent_id": y}, headers=world.auth("admin")),
        )
        assert sorted(r.status_code for r in responses) == [200, 422], [r.text for r in responses]
        rows = await Branch.select(Branch.id, Branch.parent, Branch.path)
        parent = {r["id"]: r["parent"] for r in rows}
        for row in rows:
            chain, node = [], row["id"]
            while node is not None:
                assert node not in chain, f"cycle through branch {node}"
                chain.append(node)
                node = parent[node]
            # The materialised path still spells the way down from the root.
            assert row["path"] == "/" + "".join(f"{b}/" for b in reversed(chain))
