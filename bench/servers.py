"""uvicorn against Granian serving the same app: `.venv/bin/python bench/servers.py`.

Loads the demo into a temporary SQLite database, then for each server and
worker count (1 and 2) starts it on a loopback port and measures with wrk, in
turns (uvicorn, Granian, uvicorn, …) so that a noisy machine weighs on both:

- a calendar app's poll: a conditional GET of the public feed (304),
- a full feed (200, gzip as phones ask),
- a JSON list: `GET /api/events?limit=20`,

each with 50 connections, and the conditional poll again with 500 (as the
load drill's calendar apps), where the slowest answers count as much as the
rate.

Prints requests per second and the 99th percentile latency per server
(median of the rounds) and Granian ÷ uvicorn. (wrk gives up on an answer only
after 10 s, longer than a round: the p99 is where a slow tail shows.)
Needs wrk (apt-get install wrk); uvicorn comes from the dev dependencies.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(server: str, port: int, workers: int) -> list[str]:
    if server == "uvicorn":
        return [str(BIN / "uvicorn"), "app.asgi:app", "--port", str(port),
                "--workers", str(workers), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    granian = shutil.which("granian", path=str(BIN)) or "granian"
    return [granian, "--interface", "asgi", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--log-level", "warning", "app.asgi:app"]  # fmt: skip


@contextmanager
def _serving(server: str, workers: int, env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        _command(server, port, workers),
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers stop with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{server} stopped at start")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{server} did not answer")
            time.sleep(0.2)
        yield base
    finally:
        # Granian waits on open connections after SIGTERM; the measurements are done.
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


Measured = tuple[float, float]  # requests/s, p99 in ms


def _wrk(url: str, *headers: str, connections: int = 50) -> Measured:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{SECONDS}s", "--timeout=10s", "--latency",
               *(f"-H{h}" for h in headers), url]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error answers")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return (
        float(found.group(1)) if found else 0.0,
        float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
    )


def _measure(base: str) -> dict[str, Measured]:
    # Each coding of the feed has its own ETag: poll with the coding the ETag came with.
    gzip = {"Accept-Encoding": "gzip"}
    etag = httpx.get(f"{base}/calendar.ics", headers=gzip).headers["etag"]
    again = httpx.get(f"{base}/calendar.ics", headers={**gzip, "If-None-Match": etag})
    if again.status_code != 304:
        raise SystemExit(f"a conditional poll answered {again.status_code}, not 304")
    poll = (f"If-None-Match: {etag}", "Accept-Encoding: gzip")
    return {
        "feed 304": _wrk(f"{base}/calendar.ics", *poll),
        "feed 200 gzip": _wrk(f"{base}/calendar.ics", "Accept-Encoding: gzip"),
        "JSON list": _wrk(f"{base}/api/events?limit=20"),
        "feed 304 x500": _wrk(f"{base}/calendar.ics", *poll, connections=500),
    }


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    folder = tempfile.mkdtemp(prefix="fangzha-bench-servers-")
    env = {**os.environ, "FANGZHA_SQLITE_PATH": f"{folder}/bench.sqlite",
           "FANGZHA_REQUEST_LOG": "0", "PYTHONPATH": str(REPO)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    for step in (["migrate"], ["demo"]):
        subprocess.run([str(BIN / "fangzha"), *step], env=env, cwd=REPO, check=True,
                       capture_output=True)  # fmt: skip
    results: dict[tuple[str, int], list[dict[str, Measured]]] = {}
    try:
        for _round in range(ROUNDS):
            for workers in (1, 2):
                for server in ("uvicorn", "granian"):
                    with _serving(server, workers, env) as base:
                        results.setdefault((server, workers), []).append(_measure(base))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"median of {ROUNDS} rounds of {SECONDS} s; wrk, 50 connections unless x500")
    for workers in (1, 2):
        for name in results[("uvicorn", workers)][0]:
            line = f"{workers} worker(s)  {name:14}"
            rates = {}
            for server in ("uvicorn", "granian"):
                runs = [run[name] for run in results[(server, workers)]]
                rates[server] = statistics.median(r[0] for r in runs)
                p99 = statistics.median(r[1] for r in runs)
                line += f"  {server} {rates[server]:7.0f}/s p99 {p99:7.0f} ms"
            print(f"{line}  granian/uvicorn {rates['granian'] / rates['uvicorn']:.2f}")


if __name__ == "__main__":
    main()
