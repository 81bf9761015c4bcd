"""`fangzha serve` in a subprocess on the test database, with its log kept for reading."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

FANGZHA = Path(sys.executable).with_name("fangzha")
REPO = Path(__file__).absolute().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(**extra: str) -> dict[str, str]:
    """The test run's database, without the cheap password hashing the test process uses."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("FANGZHA_ARGON2_")
    }
    return {**env, "PYTHONPATH": str(REPO), **extra}


@contextmanager
def serving(env: dict[str, str], log_path: Path, *options: str) -> Iterator[str]:
    """A running server answering /health; yields its base URL, stops it afterwards."""
    with serving_process(env, log_path, *options) as (base, _process):
        yield base


@contextmanager
def serving_process(
    env: dict[str, str], log_path: Path, *options: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `serving`, also yielding the server's process (for tests that signal it)."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(FANGZHA), "serve", "--port", str(port), *options],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the server did not answer /health"
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def request_lines(log_path: Path) -> list[dict[str, Any]]:
    """The JSON request lines (app/request_log.py) of a server's log, in order."""
    found = []
    for line in log_path.read_text().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("logger") == "fangzha.requests":
                found.append(entry)
    return found
