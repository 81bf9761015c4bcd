"""Counting the queries a request makes and the rows they return to the app."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reads:
    queries: int = 0
    rows: int = 0
    largest: int = 0
    statements: list[str] = field(default_factory=list)


@contextmanager
def counting_reads() -> Iterator[Reads]:
    """Every query through Piccolo's engine while the block runs (requests run in-process)."""
    from piccolo.engine.finder import engine_finder

    engine_class: Any = type(engine_finder())
    original = engine_class.run_querystring
    reads = Reads()

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        response = await original(self, querystring, *args, **kwargs)
        reads.queries += 1
        returned = len(response) if isinstance(response, list) else 0
        reads.rows += returned
        reads.largest = max(reads.largest, returned)
        reads.statements.append(str(querystring)[:200])
        return response

    # The engine has __slots__: the method is replaced on its class for the block.
    engine_class.run_querystring = counted
    try:
        yield reads
    finally:
        engine_class.run_querystring = original
