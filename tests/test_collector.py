"""A server's start-up leaves the objects it made out of every later full collection."""

import gc

import pytest


async def _nothing() -> None:
    return None


async def test_start_up_freezes_what_it_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import factory

    # The session's database stays open: this app's start and stop leave it alone.
    monkeypatch.setattr(factory, "open_database", _nothing)
    monkeypatch.setattr(factory, "close_database", _nothing)
    gc.unfreeze()
    app = factory.create_app()
    try:
        assert any(o is app for o in gc.get_objects())
        async with app.lifespan():
            # Frozen objects belong to no generation: full collections no longer walk them.
            assert not any(o is app for o in gc.get_objects())
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
