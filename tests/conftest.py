"""Test set-up: one database per run (SQLite or PostgreSQL), emptied before each test.

FANGZHA_TEST_DB=postgres runs the same suite on PostgreSQL; under CI=true an
unreachable PostgreSQL fails the run instead of skipping it.
"""

import os

import pytest

from tests import database

# Cheap password hashing for the thousands of logins tests make; production keeps the defaults.
os.environ.setdefault("FANGZHA_ARGON2_TIME_COST", "1")
os.environ.setdefault("FANGZHA_ARGON2_MEMORY_KIB", "1024")
# The in-process clients' hosts; servers the tests start are reached on loopback.
os.environ.setdefault("FANGZHA_ALLOWED_HOSTS", "testserver,fangzha.example")

_LABEL = ""
_SKIP_REASON = ""


def pytest_configure(config: pytest.Config) -> None:
    global _LABEL, _SKIP_REASON
    if database.backend() == "postgres":
        problem = database.postgres_reachable()
        if problem:
            if os.environ.get("CI", "").lower() == "true":
                raise pytest.UsageError(f"PostgreSQL is required under CI=true: {problem}")
            _SKIP_REASON = f"PostgreSQL unreachable ({problem})"
            return
    _LABEL = database.create()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _LABEL:
        database.drop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"fangzha test database: {_LABEL or _SKIP_REASON}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _SKIP_REASON:
        marker = pytest.mark.skip(reason=_SKIP_REASON)
        for item in items:
            item.add_marker(marker)
    elif database.backend() != "postgres":
        marker = pytest.mark.skip(reason="needs PostgreSQL (run with FANGZHA_TEST_DB=postgres)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(marker)


pytest_plugins = ["tests.fixtures"]
