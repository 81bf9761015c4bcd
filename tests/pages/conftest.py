"""A real server process and a real headless Chromium (Debian's), for page tests."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from app.demo.load import LoadedDemo

CHROMIUM = "/usr/bin/chromium"
# As the machine's own probe runs it: no sandbox as root, no background calls to the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(database: None) -> Iterator[str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "fangzha"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start within 30 seconds")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 - one stat before launching a browser
        message = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def demo(database: None) -> "LoadedDemo":
    """The Nujiang demo, loaded afresh for the test (the live server notices it)."""
    from app.demo.load import load_demo

    loaded = await load_demo(only_if_empty=False)
    assert loaded is not None
    return loaded


@pytest.fixture
async def http(live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """An API client of the live server."""
    async with httpx.AsyncClient(base_url=live_server) as client:
        yield client
