"""A request cancelled while its write transaction waits leaves nothing holding the database.

A client that gives up (a phone losing signal, a timeout) cancels its request.
If that happens while the transaction waits for SQLite's write lock, the
waiting connection used to get the lock later and keep it, unclosed, so every
later writer waited until its busy timeout and failed; on PostgreSQL a pooled
connection must likewise come back without an open transaction.
"""

import asyncio

from accounts.tables import Branch
from core.transactions import lock_key, write_transaction

KEY = lock_key("cancel-test", "NJ")


async def _insert(code: str) -> None:
    await Branch.insert(
        Branch(code=code, name=code, parent=None, path="/", languages="[]", address="")
    )


async def test_a_writer_cancelled_while_waiting_leaves_the_lock_free(database):
    holding = asyncio.Event()
    release = asyncio.Event()

    async def first_writer() -> None:
        async with write_transaction(Branch, KEY):
            await _insert("FIRST")
            holding.set()
            await release.wait()

    kept: list[BaseException] = []

    async def waiting_writer() -> None:
        try:
            async with write_transaction(Branch, KEY):
                await _insert("NEVER")
        except asyncio.CancelledError as error:
            # As an error report does: its traceback keeps the frames, and what they hold, alive.
            kept.append(error)
            raise

    first = asyncio.create_task(first_writer())
    await holding.wait()
    waiting = asyncio.create_task(waiting_writer())
    await asyncio.sleep(0.3)  # it is now waiting for the lock the first one holds
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled()
    release.set()
    await first

    # A later writer gets the lock at once (a leaked one would hold it for good).
    async def later_writer() -> None:
        async with write_transaction(Branch, KEY):
            await _insert("LATER")

    await asyncio.wait_for(later_writer(), timeout=20)
    codes = {row["code"] for row in await Branch.select(Branch.code)}
    assert {"FIRST", "LATER"} <= codes
    assert "NEVER" not in codes


async def test_a_writer_cancelled_after_writing_leaves_no_half_transaction(database):
    started = asyncio.Event()

    kept: list[BaseException] = []

    async def writer() -> None:
        try:
            async with write_transaction(Branch, KEY):
                await _insert("HALF")
                started.set()
                await asyncio.sleep(30)
        except asyncio.CancelledError as error:
            kept.append(error)
            raise

    task = asyncio.create_task(writer())
    await started.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    async def next_writer() -> None:
        async with write_transaction(Branch, KEY):
            await _insert("NEXT")

    await asyncio.wait_for(next_writer(), timeout=20)
    codes = {row["code"] for row in await Branch.select(Branch.code)}
    assert "NEXT" in codes
    assert "HALF" not in codes
