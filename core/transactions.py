"""Write transactions that behave the same on SQLite and PostgreSQL.

A rule that reads then writes — no double booking, at least one active admin,
one attendance record per occurrence — must see every write that a competing
request made before it. SQLite gives that for free: an immediate transaction
takes the database's single write lock up front. PostgreSQL's READ COMMITTED
lets two transactions both read "free" before either writes, so there each
rule names what it guards (`lock_key("booking-host", "和丽芳")`) and `hold`
takes a transaction-scoped advisory lock on it: a second transaction guarding
the same thing waits until the first commits, then reads what it wrote.

Deadlocks are avoided by one order of taking locks: row locks first (a
transaction that changes a row reads it `FOR NO KEY UPDATE`), then advisory
locks, taken in one call per transaction and sorted by their number.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

# The advisory locks the current transaction already holds (PostgreSQL only).
_held: ContextVar[set[int] | None] = ContextVar("fangzha_held_locks", default=None)


def lock_key(rule: str, *resource: object) -> int:
    """The advisory lock number of `rule` on one resource: 64 bits of a stable hash.

    Two different keys sharing a number only wait for each other needlessly.
    """
    text = "\x1f".join([rule, *(str(part) for part in resource)])
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@asynccontextmanager
async def write_transaction(table: type[Table], *keys: int) -> AsyncIterator[Any]:
    """A transaction that reads then writes, holding the advisory locks `keys` from the start.

    Nested inside another write transaction it joins the outer one. Yields the
    engine's transaction, whose `connection` bulk writes may use directly.
    """
    engine = table._meta.db
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
            yield transaction
        return
    async with engine.transaction() as transaction:
        # A nested write transaction shares the outer one's locks.
        token = _held.set(set()) if _held.get() is None else None
        try:
            await hold(table, *keys)
            yield transaction
        finally:
            if token is not None:
                _held.reset(token)


async def hold(table: type[Table], *keys: int) -> None:
    """Inside a write transaction: wait for, then keep until commit, the locks `keys`.

    Pass every key a rule needs in one call; keys held already are skipped.
    """
    engine = table._meta.db
    if not isinstance(engine, PostgresEngine) or not keys:
        return
    held = _held.get()
    if held is None:
        raise RuntimeError("hold() needs an open write_transaction().")
    for key in sorted(set(keys) - held):
        await table.raw("SELECT pg_advisory_xact_lock({})", key)
        held.add(key)


def row_lock(table: type[Table]) -> bool:
    """Whether reads that precede a change should lock their rows (PostgreSQL)."""
    return isinstance(table._meta.db, PostgresEngine)
