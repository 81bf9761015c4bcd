"""Reads that may come from a PostgreSQL streaming replica, and the engine that routes them.

With `DATABASE_REPLICA_URL` set, the routes that only read and can bear the
replica's lag (feeds, lists, reports, exports: app/replica_reads.py names them)
run inside `reading_from_replica()`, and every query Piccolo sends on their
behalf goes to the replica's pool. Everything else, and so every write and
every page that must show what its user just wrote, stays on the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.querystring import QueryString

REPLICA_NODE = "replica"
_on_replica: ContextVar[bool] = ContextVar("fangzha_on_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class PrimaryWithReplica(PostgresEngine):
    """The primary, handing queries to the replica inside `reading_from_replica()`.

    Tables are bound to one engine, so routing lives here rather than at each
    query: a query already inside a primary transaction stays in it.
    """

    def __init__(self, primary_dsn: str, replica_dsn: str) -> None:
        replica = PostgresEngine(config={"dsn": replica_dsn}, extensions=())
        super().__init__(config={"dsn": primary_dsn}, extra_nodes={REPLICA_NODE: replica})

    @property
    def replica(self) -> PostgresEngine:
        return self.extra_nodes[REPLICA_NODE]

    def _routed(self) -> bool:
        return _on_replica.get() and self.current_transaction.get() is None

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        if self._routed():
            return await self.replica.run_querystring(querystring, in_pool)
        return await super().run_querystring(querystring, in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = True) -> Any:
        if self._routed():
            return await self.replica.run_ddl(ddl, in_pool)
        return await super().run_ddl(ddl, in_pool)

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        if self._routed():
            return self.replica.transaction(allow_nested)
        return super().transaction(allow_nested)

    async def start_connection_pool(self, **kwargs: Any) -> None:
        await super().start_connection_pool(**kwargs)
        await self.replica.start_connection_pool(**kwargs)

    async def close_connection_pool(self) -> None:
        await self.replica.close_connection_pool()
        await super().close_connection_pool()
