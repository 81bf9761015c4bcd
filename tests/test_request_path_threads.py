"""Serving a request never hands Litestar's own hooks to its thread pool.

Litestar runs a plain function given as a guard, hook or dependency in a
worker thread. Under 500 feed pollers each such hop waits a whole turn of a
busy event loop, which made a staff member's POST take seconds in the load
drill. Hooks and guards are coroutines; these tests keep them so.
"""

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from litestar import Litestar
from litestar.concurrency import set_asyncio_executor
from litestar.utils.sync import AsyncCallable


class CountingExecutor(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted: list[str] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        # Litestar submits partial(context.run, fn, ...): name the fn.
        inner = fn.args[0] if isinstance(fn, partial) and fn.args else fn
        self.submitted.append(getattr(inner, "__qualname__", repr(inner)))
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def counting_executor() -> Any:
    executor = CountingExecutor()
    set_asyncio_executor(executor)
    yield executor
    set_asyncio_executor(None)
    executor.shutdown()


async def test_a_poll_a_page_and_a_logged_interception_use_no_pool_thread(
    client, world, counting_executor
):
    staff = world.auth("staff_lk")
    answers = [
        await client.get("/calendar.ics"),
        await client.get("/"),
        await client.get("/staff", headers=staff),
        await client.get("/api/interceptions", headers=staff),
        await client.post(
            "/api/interceptions",
            headers=staff,
            json={
                "client_ref": "pool-check-0001",
                "occurred_at": "2025-06-10T10:00:00+08:00",
                "channel": "counter",
                "fraud_type": "fake_investment",
                "amount_saved": "43000.00",
            },
        ),
        await client.get("/api/reports/summary", headers=world.auth("coord")),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 201, 200]
    assert counting_executor.submitted == []


def test_no_guard_hook_or_dependency_of_any_route_is_a_plain_function(app: Litestar):
    plain: set[str] = set()

    def note(kind: str, callable_: Any) -> None:
        if isinstance(callable_, AsyncCallable):
            plain.add(f"{kind}: {callable_.func.__module__}.{callable_.func.__qualname__}")

    for hook in [*app.before_send, *app.after_exception]:
        note("app hook", hook)
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for guard in handler.resolve_guards():
                note("guard", guard)
            for name in ("before_request", "after_request", "after_response"):
                resolve = getattr(handler, f"resolve_{name}", None)
                if resolve is not None:
                    note(name, resolve())
            for key, provider in handler.resolve_dependencies().items():
                if provider.has_sync_callable and provider.sync_to_thread is not False:
                    plain.add(f"dependency {key}")
    assert plain == set()
