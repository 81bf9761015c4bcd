"""Piccolo's SQLite engine with one thread round trip per query instead of four to seven.

Piccolo runs each query through aiosqlite, which hands every step to the
connection's thread and back: connect, `PRAGMA foreign_keys`, execute, commit,
fetch, close the cursor, close the connection. Each hand-back waits for a turn
of the event loop, and while hundreds of calendar apps poll, a turn takes tens
of milliseconds: a staff member's POST (a dozen queries) took seconds, and a
write transaction held SQLite's single write lock across all those turns
while every other writer waited.

Here a query outside a transaction is one call in a worker thread, on that
thread's own connection (opening one costs more than most queries: SQLite
reads the whole schema again; it is opened anew when the engine's arguments
change or the file is replaced), and a query
inside a transaction is one call on the transaction's connection
(`execute_fetchall`); that connection turned foreign keys on when it opened.

A transaction is opened and finished out of reach of cancellation: a request
cancelled (its client gone) while `BEGIN IMMEDIATE` waited for the lock used
to leave a connection that took the lock later and never let it go, stalling
every writer, and whose thread kept the process from exiting.

On the writer thread (core/writer_loop.py) there is no round trip at all: its
loop does nothing but writes, so statements run right there, synchronously,
and a write transaction holds SQLite's lock only for the statements' own time.
"""

import asyncio
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.table import Table

from core.writer_loop import on_writer_thread

# Reads run side by side in WAL mode; a write outside a transaction may wait
# for the write lock (the busy timeout) in its thread without holding up reads
# beyond this many at once, nor the default pool that hashes passwords.
_THREADS = 8


# Openings and endings that outlived their request: kept until they are done.
_finishing: set["asyncio.Future[Any]"] = set()


def _finish_in_background(future: "asyncio.Future[Any]") -> None:
    _finishing.add(future)
    future.add_done_callback(_finishing.discard)


async def _close_when_opened(
    opening: "asyncio.Future[aiosqlite.Connection | ImmediateConnection]",
) -> None:
    try:
        connection = await opening
    except BaseException:
        return  # it failed to open and closed itself
    try:
        await connection.execute("ROLLBACK")
    finally:
        await connection.close()


class ImmediateConnection:
    """A sqlite3 connection behind aiosqlite's methods, each done before it returns.

    Used on the writer thread only, where blocking its own loop is the point,
    over the connection that thread keeps.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self._connection.execute(sql, parameters)

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[Any]:
        return self._connection.execute(sql, parameters).fetchall()

    async def executemany(self, sql: str, parameters: Any) -> sqlite3.Cursor:
        return self._connection.executemany(sql, parameters)

    async def close(self) -> None:
        # The writer thread's kept connection: left as a transaction's end left it.
        if self._connection.in_transaction:
            self._connection.rollback()


class GuardedSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, whose connection is always rolled back or committed,
    and closed, whether or not the request awaiting it is cancelled."""

    async def _open(self) -> aiosqlite.Connection | ImmediateConnection:
        connection = await self.engine.get_connection()
        try:
            await connection.execute(f"BEGIN {self.transaction_type.value}")
        except BaseException:
            await connection.close()
            raise
        return connection

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        opening = asyncio.ensure_future(self._open())
        try:
            self.connection = await asyncio.shield(opening)
        except asyncio.CancelledError:
            _finish_in_background(asyncio.ensure_future(_close_when_opened(opening)))
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def _finish(self, failed: bool) -> None:
        try:
            if failed:
                if not self._rolled_back:
                    await self.connection.execute("ROLLBACK")
                    self._rolled_back = True
            elif not self._committed and not self._rolled_back:
                await self.connection.execute("COMMIT")
                self._committed = True
        finally:
            await self.connection.close()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return exception is None
        finishing = asyncio.ensure_future(self._finish(exception is not None))
        try:
            await asyncio.shield(finishing)
        except asyncio.CancelledError:
            _finish_in_background(finishing)
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
        return exception is None


class SnapshotConnection:
    """A kept read-only connection lent to one report snapshot; each call is one trip to
    a worker thread, and closing it rolls back and hands it back to the engine."""

    def __init__(self, engine: "OneHopSQLiteEngine", key: Any, connection: sqlite3.Connection):
        self._engine = engine
        self._key = key
        self._connection = connection
        # A cancelled request's query may still run in its thread when the ROLLBACK comes.
        self._lock = threading.Lock()

    def _locked(self, action: Callable[[], Any]) -> Any:
        with self._lock:
            return action()

    async def _call(self, action: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._engine._snapshot_executor(), self._locked, action)

    async def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = await self._call(lambda: self._connection.execute(sql, parameters))
        return cursor

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[Any]:
        rows: list[Any] = await self._call(
            lambda: self._connection.execute(sql, parameters).fetchall()
        )
        return rows

    async def fetch_each(self, statements: list[tuple[str, list[Any]]]) -> list[list[Any]]:
        """The rows of each statement, all in one trip to the thread."""
        return list(
            await self._call(
                lambda: [self._connection.execute(sql, args).fetchall() for sql, args in statements]
            )
        )

    def _release(self) -> None:
        if self._connection.in_transaction:
            self._connection.rollback()
        self._engine._give_back(self._key, self._connection)

    async def close(self) -> None:
        await self._call(self._release)


class SnapshotTransaction(GuardedSQLiteTransaction):
    """A read-only transaction on a kept connection: no thread to start, no schema to
    read, and the pages it read last time still in its cache."""

    async def _open(self) -> Any:
        engine: OneHopSQLiteEngine = self.engine  # type: ignore[assignment]
        loop = asyncio.get_running_loop()
        key, connection = await loop.run_in_executor(
            engine._snapshot_executor(), engine._lend_begun
        )
        return SnapshotConnection(engine, key, connection)

    async def _finish(self, failed: bool) -> None:
        # Read-only: ending it either way is the same; closing rolls back and hands it back.
        self._committed = not failed
        self._rolled_back = failed
        await self.connection.close()


class OneHopSQLiteEngine(SQLiteEngine):
    """SQLiteEngine whose queries each cost one trip to a thread and back."""

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        if sqlite3.sqlite_version_info < (3, 35):
            # Piccolo reads inserted keys back another way before RETURNING existed.
            raise RuntimeError(f"SQLite 3.35 or newer is needed, not {sqlite3.sqlite_version}.")
        super().__init__(path=path, **connection_kwargs)
        self._threads: ThreadPoolExecutor | None = None
        self._snapshot_threads: ThreadPoolExecutor | None = None
        self._kept: tuple[str, sqlite3.Connection] | None = None
        self._local = threading.local()
        self._idle: list[tuple[Any, sqlite3.Connection]] = []
        self._idle_lock = threading.Lock()
        # A forked worker process inherits the pool but not its threads.
        os.register_at_fork(after_in_child=self._forget_threads)

    def _forget_threads(self) -> None:
        self._threads = None
        self._snapshot_threads = None
        self._kept = None
        self._local = threading.local()
        self._idle = []
        self._idle_lock = threading.Lock()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return GuardedSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    def _executor(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(_THREADS, thread_name_prefix="sqlite")
        return self._threads

    def _snapshot_executor(self) -> ThreadPoolExecutor:
        """Reports' threads: their long statements do not hold up the short queries
        (a sign-in's token) queued for the threads above."""
        if self._snapshot_threads is None:
            self._snapshot_threads = ThreadPoolExecutor(_THREADS, thread_name_prefix="snapshot")
        return self._snapshot_threads

    def _opened(self) -> sqlite3.Connection:
        connection = sqlite3.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        connection.execute("PRAGMA foreign_keys = 1")
        return connection

    def _file_key(self) -> Any:
        """What a kept connection must match: the engine's arguments and the file itself."""
        try:
            found = os.stat(self.connection_kwargs["database"])
        except (OSError, KeyError, TypeError):
            found = None
        where = (found.st_dev, found.st_ino) if found else None
        return (repr(sorted(self.connection_kwargs.items())), where)

    def _thread_connection(self) -> sqlite3.Connection:
        """This worker thread's connection to the file the engine names now."""
        key = self._file_key()
        kept: tuple[Any, sqlite3.Connection] | None = getattr(self._local, "kept", None)
        if kept is None or kept[0] != key:
            # Forgotten before opening the new one: if that fails (the file is gone),
            # a later call must not be handed the closed one back.
            self._local.kept = None
            if kept is not None:
                kept[1].close()
            kept = (key, self._opened())
            self._local.kept = kept
        return kept[1]

    def _lend(self) -> tuple[Any, sqlite3.Connection]:
        """An idle snapshot connection to the current file, or a new one (in a worker thread)."""
        key = self._file_key()
        stale = []
        found = None
        with self._idle_lock:
            while self._idle:
                kept_key, connection = self._idle.pop()
                if kept_key == key:
                    found = connection
                    break
                stale.append(connection)
        for connection in stale:
            connection.close()
        if found is None:
            found = sqlite3.connect(**{**self.connection_kwargs, "check_same_thread": False})
            found.row_factory = dict_factory
            # Lent to snapshots only, which never write: nor can they wait for the write lock.
            found.execute("PRAGMA query_only = 1")
        return key, found

    def _lend_begun(self) -> tuple[Any, sqlite3.Connection]:
        """A lent connection with its transaction begun, in the same trip to a thread."""
        key, connection = self._lend()
        try:
            connection.execute("BEGIN")
        except BaseException:
            self._give_back(key, connection)
            raise
        return key, connection

    def _give_back(self, key: Any, connection: sqlite3.Connection) -> None:
        with self._idle_lock:
            if len(self._idle) < _THREADS:
                self._idle.append((key, connection))
                return
        connection.close()

    def snapshot(self) -> SQLiteTransaction:
        """A read-only transaction on a kept connection (see SnapshotTransaction)."""
        if on_writer_thread():
            return self.transaction()
        return SnapshotTransaction(engine=self, transaction_type=TransactionType.deferred)

    def _query_in_own_connection(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        connection = self._thread_connection()
        try:
            rows: list[dict[str, Any]] = connection.execute(query, args).fetchall()
            connection.commit()
            return rows
        finally:
            if connection.in_transaction:
                connection.rollback()

    def writer_connection(self) -> sqlite3.Connection:
        """The writer thread's own connection, opened again when the arguments change.

        Kept because each call into SQLite lets go of the GIL, and taking it back
        from a busy request loop costs up to the interpreter's switch interval:
        opening a connection per statement tripled the writer's time.
        """
        arguments = repr(sorted(self.connection_kwargs.items()))
        if self._kept is None or self._kept[0] != arguments:
            kept, self._kept = self._kept, None
            if kept is not None:
                kept[1].close()
            self._kept = (arguments, self._opened())
        return self._kept[1]

    async def get_connection(self) -> Any:
        if on_writer_thread():
            return ImmediateConnection(self.writer_connection())
        return await super().get_connection()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        if on_writer_thread():
            rows: list[dict[str, Any]] = (
                self.writer_connection().execute(query, args or []).fetchall()
            )
            return rows
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(), self._query_in_own_connection, query, args or []
        )

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        rows = await connection.execute_fetchall(query, args or [])
        return list(rows)
