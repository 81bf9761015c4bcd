"""Branch tree: create, read, rename and move branches, keeping paths in step."""

import json
from typing import Any

from accounts.caller import Caller
from accounts.feed_version import bump_feed_version
from accounts.schemas import BranchCreate, BranchOut, BranchUpdate
from accounts.scoping import visible_branch_ids, within
from accounts.tables import Branch
from core.errors import Conflict, NotFound, Unprocessable
from core.transactions import lock_key, write_transaction

# Paths are read then rewritten: a move checks that the new parent is not below the
# branch, a new branch copies its parent's path. Moves and creations take turns.
BRANCH_TREE = lock_key("branch-tree")

_COLUMNS = (
    Branch.id,
    Branch.code,
    Branch.name,
    Branch.parent,
    Branch.languages,
    Branch.address,
    Branch.phone,
    Branch.poster_note,
)


def to_branch_out(row: dict[str, Any]) -> BranchOut:
    return BranchOut(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        parent_id=row["parent"],
        languages=json.loads(row["languages"]),
        address=row["address"],
        phone=row["phone"],
        poster_note=row["poster_note"],
    )


async def list_branches(caller: Caller, limit: int, offset: int) -> tuple[list[BranchOut], int]:
    clause = within(Branch.id, await visible_branch_ids(caller))
    query = Branch.select(*_COLUMNS).order_by(Branch.path).limit(limit).offset(offset)
    count = Branch.count()
    if clause is not None:
        query = query.where(clause)
        count = count.where(clause)
    return [to_branch_out(r) for r in await query], await count


async def get_branch(caller: Caller, branch_id: int) -> BranchOut:
    clause = within(Branch.id, await visible_branch_ids(caller))
    query = Branch.select(*_COLUMNS).where(Branch.id == branch_id)
    if clause is not None:
        query = query.where(clause)
    row = await query.first()
    if row is None:
        raise NotFound("Branch", branch_id)
    return to_branch_out(row)


async def all_branches() -> list[BranchOut]:
    """Every branch in tree order: names, addresses and phones are public (event pages)."""
    return [to_branch_out(r) for r in await Branch.select(*_COLUMNS).order_by(Branch.path)]


async def branch_by_code(code: str) -> BranchOut | None:
    row = await Branch.select(*_COLUMNS).where(Branch.code == code).first()
    return None if row is None else to_branch_out(row)


async def _path_of(branch_id: int) -> str:
    row = await Branch.select(Branch.path).where(Branch.id == branch_id).first()
    if row is None:
        raise Unprocessable("Parent branch {branch_id} does not exist.", branch_id=branch_id)
    return str(row["path"])


async def create_branch(data: BranchCreate) -> BranchOut:
    async with write_transaction(Branch, BRANCH_TREE):
        if await Branch.exists().where(Branch.code == data.code):
            raise Conflict("A branch with code {code} already exists.", code=data.code)
        parent_path = "/" if data.parent_id is None else await _path_of(data.parent_id)
        rows = await Branch.insert(
            Branch(
                code=data.code,
                name=data.name,
                parent=data.parent_id,
                path="",
                languages=json.dumps(data.languages),
                address=data.address,
                phone=data.phone,
                poster_note=data.poster_note,
            )
        ).returning(Branch.id)
        new_id = rows[0]["id"]
        await Branch.update({Branch.path: f"{parent_path}{new_id}/"}).where(Branch.id == new_id)
        await bump_feed_version()
    return await _get_any(new_id)


async def _get_any(branch_id: int) -> BranchOut:
    row = await Branch.select(*_COLUMNS).where(Branch.id == branch_id).first()
    if row is None:
        raise NotFound("Branch", branch_id)
    return to_branch_out(row)


async def update_branch(branch_id: int, data: BranchUpdate) -> BranchOut:
    async with write_transaction(Branch, BRANCH_TREE):
        current = (
            await Branch.select(Branch.path, Branch.parent).where(Branch.id == branch_id).first()
        )
        if current is None:
            raise NotFound("Branch", branch_id)
        if data.parent_id is None and current["parent"] is not None:
            raise Unprocessable(
                "A branch must stay under a parent branch; only the top of the tree has none. "
                "Give the id of the branch to move it under."
            )
        values: dict[Any, Any] = {}
        if isinstance(data.name, str):
            values[Branch.name] = data.name
        if isinstance(data.address, str):
            values[Branch.address] = data.address
        if isinstance(data.phone, str):
            values[Branch.phone] = data.phone
        if isinstance(data.poster_note, str):
            values[Branch.poster_note] = data.poster_note
        if isinstance(data.languages, list):
            values[Branch.languages] = json.dumps(data.languages)
        if isinstance(data.parent_id, int) and data.parent_id != current["parent"]:
            await _move(branch_id, current["path"], data.parent_id)
            values[Branch.parent] = data.parent_id
        if values:
            await Branch.update(values).where(Branch.id == branch_id)
            await bump_feed_version()
    return await _get_any(branch_id)


async def _move(branch_id: int, old_path: str, new_parent_id: int) -> None:
    parent_path = await _path_of(new_parent_id)
    if parent_path.startswith(old_path):
        raise Unprocessable("A branch cannot be moved under itself or one of its descendants.")
    new_path = f"{parent_path}{branch_id}/"
    # Rewrites the prefix of the whole subtree in one statement.
    await Branch.raw(
        "UPDATE branch SET path = {} || substr(path, {}) WHERE path LIKE {}",
        new_path,
        len(old_path) + 1,
        f"{old_path}%",
    )


__all__ = [
    "all_branches",
    "branch_by_code",
    "create_branch",
    "get_branch",
    "list_branches",
    "update_branch",
]
