"""Write transactions that behave the same on SQLite and PostgreSQL."""

from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table


def write_transaction(table: type[Table]) -> Any:
    """A transaction that reads then writes.

    SQLite's default deferred transactions fail with "database is locked" when
    two of them upgrade to writers at once; an immediate one takes the write
    lock up front and waits its turn instead.
    """
    engine = table._meta.db
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
