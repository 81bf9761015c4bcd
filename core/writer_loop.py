"""SQLite's writes on one thread of their own, away from the loop that serves requests.

SQLite has one write lock for the whole file, and a write transaction holds it
from its first statement to COMMIT. Every statement's answer comes back through
an event loop; on the loop that serves requests, with hundreds of calendar apps
polling, each answer waits for a turn of tens of milliseconds, so a transaction
of a few statements held the lock for a third of a second and staff logging at
once waited seconds for each other. Here the write runs as a task on a loop of
its own, which has nothing else to do: the lock is held for the statements'
own time. The request's task waits for the result; if the request is cancelled
the write still finishes or rolls back as a whole.

The writes of one process run there one at a time, as SQLite would have them
anyway: statements on the writer thread do not yield (core/sqlite_engine.py),
so a second write starting while the first awaited something would block the
thread in `BEGIN IMMEDIATE` waiting for a lock only the first could release.
PostgreSQL locks rows, not the database, and its writes stay on the request's
loop.
"""

import asyncio
import functools
import os
import threading
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

P = ParamSpec("P")
T = TypeVar("T")


class _WriterLoop:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._lock = threading.Lock()
        self._one_at_a_time: asyncio.Lock | None = None
        # A forked worker process inherits this object but not the thread.
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._loop = None
        self._thread_id = None
        self._one_at_a_time = None
        self._lock = threading.Lock()

    def is_current(self) -> bool:
        return self._thread_id == threading.get_ident()

    def one_at_a_time(self) -> asyncio.Lock:
        """The writer loop's own lock (made on that loop's thread, its only user)."""
        if self._one_at_a_time is None:
            self._one_at_a_time = asyncio.Lock()
        return self._one_at_a_time

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="sqlite-writer", daemon=True
                )
                thread.start()
                self._thread_id = thread.ident
                self._loop = loop
            return self._loop


_writer = _WriterLoop()


def on_writer_thread() -> bool:
    """Whether the caller runs on the writer loop's thread (core/sqlite_engine.py)."""
    return _writer.is_current()


def on_writer_loop(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Runs the coroutine function on the writer loop when the database is SQLite."""

    @functools.wraps(function)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if not isinstance(engine_finder(), SQLiteEngine):
            return await function(*args, **kwargs)
        loop = _writer.loop()
        if asyncio.get_running_loop() is loop:
            return await function(*args, **kwargs)
        done = asyncio.run_coroutine_threadsafe(_coroutine(function, *args, **kwargs), loop)
        return await asyncio.shield(asyncio.wrap_future(done))

    return run


async def _coroutine(function: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    async with _writer.one_at_a_time():
        return await function(*args, **kwargs)
