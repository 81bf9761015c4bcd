"""SIGKILL to a worker of `fangzha serve --workers 2` in the middle of writes.

A worker that dies mid-request must leave nothing half-written (an import is
all rows or none; an event and its history agree), and the other worker keeps
serving meanwhile; the server starts a new worker in the dead one's place.
"""

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx

from tests.interceptions.conftest import new_body
from tests.interceptions.test_csv_import import row, to_csv
from tests.tools.server import production_env, serving_process

ROWS = 20_000


def _workers(server_pid: int) -> list[int]:
    """The server's children that run the app (not multiprocessing's helpers)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _sockets(port: int, state: str) -> set[str]:
    """Socket inodes on the server's port in a TCP state ("01" established, "0A" listening)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def _open_connections(port: int) -> set[str]:
    """Socket inodes of the established connections to the server's port."""
    return _sockets(port, "01")


def _holds(pid: int, inodes: set[str]) -> bool:
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return True
    except FileNotFoundError:
        pass
    return False


def _holding(port: int, pids: list[int]) -> int | None:
    inodes = _open_connections(port)
    return next((pid for pid in pids if _holds(pid, inodes)), None)


async def _holder(port: int, pids: list[int]) -> int:
    """The worker holding the one open connection: the one handling the long request."""
    deadline = time.monotonic() + 30
    while (pid := _holding(port, pids)) is None:
        assert time.monotonic() < deadline, "no worker took the request"
        await asyncio.sleep(0.05)
    return pid


def _state(pid: int) -> str:
    """The process's state letter, or "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return ""


def _threads(pid: int) -> int:
    try:
        return len(list(Path(f"/proc/{pid}/task").iterdir()))
    except FileNotFoundError:
        return 0


async def _dead(pid: int) -> None:
    """Until the killed worker is gone with all its threads. Each worker listens on a
    socket of its own (SO_REUSEPORT); its main thread shows as a zombie while another
    thread is still exiting and holding that socket open, and a connection the kernel
    queues there in the meantime is reset when it closes."""
    deadline = time.monotonic() + 10
    while _state(pid) not in ("Z", "X", "") or _threads(pid) > 1:
        assert time.monotonic() < deadline, f"worker {pid} still runs after SIGKILL"
        await asyncio.sleep(0.02)


def _listening(port: int, pids: list[int]) -> bool:
    """Whether every one of the workers listens. Each opens its own SO_REUSEPORT socket
    only once it has imported the app and run its start-up, so /health answering (one
    worker did) and the process existing say nothing of the others: a worker still
    starting takes no connections, and with the only listening one killed a connection
    is refused."""
    inodes = _sockets(port, "0A")
    return all(_holds(pid, inodes) for pid in pids)


async def _wait_for_workers(server_pid: int, port: int, count: int, gone: int = 0) -> list[int]:
    """Until the server has `count` workers (none of them `gone`), each listening."""
    deadline = time.monotonic() + 60
    while len(pids := _workers(server_pid)) != count or gone in pids or not _listening(port, pids):
        assert time.monotonic() < deadline, (
            f"workers {pids}, wanted {count} listening without {gone}"
        )
        await asyncio.sleep(0.2)
    return pids


def _client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base, timeout=120, limits=httpx.Limits(max_keepalive_connections=0)
    )


async def test_a_worker_killed_during_a_csv_import_leaves_all_rows_or_none(world, tmp_path):
    data = to_csv([row(n) for n in range(ROWS)])
    admin = world.auth("admin")
    with serving_process(production_env(), tmp_path / "server.log", "--workers", "2") as (
        base,
        server,
    ):
        port = int(base.rsplit(":", 1)[1])
        workers = await _wait_for_workers(server.pid, port, 2)
        async with _client(base) as client:
            upload = asyncio.create_task(
                client.post(
                    "/api/imports/interceptions",
                    files={"file": ("big.csv", data, "text/csv")},
                    headers=world.auth("staff_lk"),
                )
            )
            victim = await _holder(port, workers)
            # Into the request: the upload is read, the rows are being checked or stored.
            await asyncio.sleep(0.3)
            os.kill(victim, signal.SIGKILL)
            await _dead(victim)
            try:
                answer = await upload
                outcome = answer.status_code
            except httpx.TransportError:
                outcome = None  # the connection died with the worker
            # The other worker went on serving throughout.
            assert (await client.get("/health")).status_code == 200
            logged = await client.post(
                "/api/interceptions", json=new_body(), headers=world.auth("staff_ls")
            )
            assert logged.status_code == 201, logged.text
            listed = await client.get(
                "/api/interceptions", params={"branch": "NJ-LK"}, headers=admin
            )
            stored = listed.json()["total"]
            # A new worker takes the dead one's place.
            await _wait_for_workers(server.pid, port, 2, gone=victim)
    # The import died with its worker (20,000 rows take seconds to check and store)…
    assert outcome is None, outcome
    # …and left every row or none: none unless its transaction had committed.
    assert stored in (0, ROWS)


async def test_a_worker_killed_during_event_edits_leaves_event_and_history_agreeing(
    world, tmp_path
):
    coord = world.auth("coord")
    with serving_process(production_env(), tmp_path / "server.log", "--workers", "2") as (
        base,
        server,
    ):
        workers = await _wait_for_workers(server.pid, int(base.rsplit(":", 1)[1]), 2)
        async with _client(base) as client:
            start = "2030-03-05T10:00:00+08:00"
            created = await client.post(
                "/api/events",
                json={
                    "title": "讲座 0",
                    "kind": "lecture",
                    "starts_at": start,
                    "ends_at": "2030-03-05T11:00:00+08:00",
                    "branch_id": world.branches["NJ-LK"],
                    "venue": {"name": "六库会场", "venue_type": "branch_hall"},
                },
                headers=coord,
            )
            assert created.status_code == 201, created.text
            event = created.json()["id"]
            acknowledged: list[str] = []

            async def edit_until_stopped(stop: asyncio.Event) -> None:
                number = 0
                while not stop.is_set():
                    number += 1
                    title = f"讲座 {number}"
                    try:
                        answer = await client.patch(
                            f"/api/events/{event}", json={"title": title}, headers=coord
                        )
                    except httpx.TransportError:
                        continue
                    if answer.status_code == 200:
                        acknowledged.append(title)

            stop = asyncio.Event()
            editing = asyncio.create_task(edit_until_stopped(stop))
            await asyncio.sleep(1)
            os.kill(workers[0], signal.SIGKILL)
            await asyncio.sleep(1)
            stop.set()
            await editing
            final = await client.get(f"/api/events/{event}", headers=coord)
            entries: list[dict] = []
            while True:
                page = await client.get(
                    f"/api/events/{event}/history",
                    params={"limit": 500, "offset": len(entries)},
                    headers=coord,
                )
                assert page.status_code == 200, page.text
                entries += page.json()["items"]
                if len(entries) >= page.json()["total"]:
                    break
    assert acknowledged
    assert final.status_code == 200
    changes = [entry["changes"]["title"][1] for entry in entries if "title" in entry["changes"]]
    # The event shows the last change its history records, whichever worker died when.
    assert final.json()["title"] == changes[-1]
    assert set(acknowledged) <= set(changes)
    # The creation, then each acknowledged edit and at most the one in flight when it died.
    assert len(changes) <= len(acknowledged) + 2
