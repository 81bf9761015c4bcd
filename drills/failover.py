"""Failover drill: pg_auto_failover kills and replaces the primary under load.

    .venv/bin/python drills/failover.py [--staff K] [--before S] [--after S]

Needs Debian's `postgresql-15-auto-failover` (pg_autoctl). In a temporary
folder, on loopback ports, it starts a pg_auto_failover monitor and two
PostgreSQL nodes (a primary and its synchronous secondary), loads the demo
through the formation's multi-host address (`target_session_attrs=read-write`,
so a connection finds whichever node is primary), and starts `fangzha serve
--workers 2` on it. K staff log interceptions, each retried with the same
`client_ref` until acknowledged. After S seconds it kills the primary's keeper
and PostgreSQL with SIGKILL; the monitor promotes the secondary. It prints a
timeline (first 503, its Retry-After, first write acknowledged again) and at
the end checks on the new primary that every acknowledged interception exists
exactly once. Exit status 1 on a loss, a duplicate, a 5xx other than 503, or
writes that did not resume by themselves.

As root, PostgreSQL and pg_autoctl run as the `postgres` user.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PASSWORD, _fangzha, _free_port, _serving, interception_body
from replica import BIN, _as_postgres

PG_AUTOCTL = shutil.which("pg_autoctl") or "/usr/bin/pg_autoctl"
# pg_autoctl keeps its configuration and state under XDG folders: the drill's own.
_HOME = Path(tempfile.gettempdir())


def _command(*arguments: str) -> list[str]:
    return _as_postgres(
        "env",
        f"PATH={BIN}:{os.environ['PATH']}",
        f"HOME={_HOME}",
        f"XDG_CONFIG_HOME={_HOME}/config",
        f"XDG_DATA_HOME={_HOME}/data",
        f"XDG_RUNTIME_DIR={_HOME}/run",
        PG_AUTOCTL,
        *arguments,
    )


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    events: list[str] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)
    unavailable: int = 0  # 503 answers
    retry_after: set[str] = field(default_factory=set)
    other_errors: list[str] = field(default_factory=list)
    transport_errors: int = 0
    killed_at: float | None = None
    first_503: float | None = None
    resumed_at: float | None = None

    def note(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:7.2f} s] {text}"
        self.events.append(line)
        print(line, flush=True)


def _autoctl(*arguments: str) -> str:
    done = subprocess.run(_command(*arguments), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pg_autoctl {' '.join(arguments)}: {done.stderr[-1500:]}")
    return done.stdout


def _spawn(log: Path, *arguments: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            _command(*arguments),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
        )


def _states(monitor: Path) -> dict[str, str]:
    """Node name → its current state in the monitor ("primary", "secondary", …)."""
    try:
        shown = _autoctl("show", "state", "--pgdata", str(monitor), "--json")
    except RuntimeError:
        return {}
    return {
        f"{node['nodename']}": node.get("current_group_state", node.get("reported_state", ""))
        for node in json.loads(shown or "[]")
    }


def _wait(what: str, check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(1)


@contextlib.contextmanager
def formation() -> Iterator[tuple[Path, dict[str, subprocess.Popen[bytes]], dict[str, Path]]]:
    global _HOME
    folder = Path(tempfile.mkdtemp(prefix="fangzha-failover-drill-"))
    folder.chmod(0o755)
    _HOME = folder
    for sub in ("config", "data", "run"):
        (folder / sub).mkdir(mode=0o700)
    if os.geteuid() == 0:
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, "postgres", "postgres")
    monitor = folder / "monitor"
    processes: dict[str, subprocess.Popen[bytes]] = {}
    nodes: dict[str, Path] = {}
    common = ["--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl"]
    try:
        processes["monitor"] = _spawn(
            folder / "monitor.log",
            "create", "monitor", "--pgdata", str(monitor), "--pgport", str(_free_port()),
            *common, "--run",
        )  # fmt: skip
        _wait("the monitor", lambda: (monitor / "postmaster.pid").exists(), 60)
        uri = ""

        def monitor_uri() -> bool:
            nonlocal uri
            with contextlib.suppress(RuntimeError):
                uri = _autoctl(
                    "show", "uri", "--pgdata", str(monitor), "--formation", "monitor"
                ).strip()
            return uri.startswith("postgres")

        _wait("the monitor's address", monitor_uri, 60)
        for name in ("node_a", "node_b"):
            nodes[name] = folder / name
            processes[name] = _spawn(
                folder / f"{name}.log",
                "create", "postgres", "--pgdata", str(nodes[name]), "--pgport", str(_free_port()),
                "--name", name, "--dbname", "fangzha", "--monitor", uri, *common, "--run",
            )  # fmt: skip
            wanted = {"single"} if name == "node_a" else {"primary", "secondary"}
            _wait(
                f"{name} to join",
                lambda wanted=wanted: wanted <= set(_states(monitor).values()),  # type: ignore[misc]
                180,
            )
        yield monitor, processes, nodes
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        # Any PostgreSQL left behind by a killed keeper.
        for data in [monitor, *nodes.values()]:
            pid_file = data / "postmaster.pid"
            if pid_file.exists():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def _kill_node(process: subprocess.Popen[bytes], data: Path) -> None:
    """SIGKILL to the node's keeper and to its PostgreSQL: a machine that died."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(postmaster, signal.SIGKILL)


async def _writer(base: str, number: int, until: float, timeline: Timeline) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=15) as client:
        login = await client.post(
            "/api/auth/login", json={"username": f"drill_{number}", "password": PASSWORD}
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        while time.monotonic() < until:
            body = interception_body(number)
            client_ref = body["client_ref"]
            while time.monotonic() < until + 120:  # an acknowledged write or the drill's end
                try:
                    answer = await client.post("/api/interceptions", json=body, headers=headers)
                except httpx.TransportError:
                    timeline.transport_errors += 1
                    await asyncio.sleep(0.5)
                    continue
                if answer.status_code in (200, 201):
                    timeline.acknowledged[client_ref] = answer.json()["id"]
                    if timeline.killed_at and timeline.resumed_at is None:
                        timeline.resumed_at = time.monotonic()
                        timeline.note(f"writes acknowledged again ({answer.status_code})")
                    break
                if answer.status_code == 503:
                    timeline.unavailable += 1
                    timeline.retry_after.add(answer.headers.get("retry-after", "(none)"))
                    if timeline.first_503 is None:
                        timeline.first_503 = time.monotonic()
                        detail = answer.json().get("detail", "")
                        timeline.note(
                            f"first 503, Retry-After {answer.headers.get('retry-after')}: {detail}"
                        )
                    await asyncio.sleep(1)
                    continue
                timeline.other_errors.append(f"{answer.status_code} {answer.text[:160]}")
                await asyncio.sleep(1)


async def _drive(
    base: str, staff: int, before: float, after: float, kill: Callable[[], None], timeline: Timeline
) -> None:
    until = time.monotonic() + before + after
    writers = [asyncio.create_task(_writer(base, n, until, timeline)) for n in range(staff)]
    await asyncio.sleep(before)
    timeline.note(f"{len(timeline.acknowledged)} interceptions acknowledged; killing the primary")
    await asyncio.to_thread(kill)
    timeline.killed_at = time.monotonic()
    await asyncio.gather(*writers)


async def _counts(dsn: str) -> dict[str, int]:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        rows = await connection.fetch(
            "SELECT client_ref, count(*) AS n FROM interception "
            "WHERE client_ref LIKE 'drill-%' GROUP BY client_ref"
        )
    finally:
        await connection.close()
    return {row["client_ref"]: row["n"] for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--before", type=float, default=15, help="seconds of load before the kill")
    parser.add_argument("--after", type=float, default=90, help="seconds of load after it")
    options = parser.parse_args()
    if not Path(PG_AUTOCTL).exists():
        raise SystemExit("pg_autoctl is missing (apt-get install postgresql-15-auto-failover)")
    timeline = Timeline()
    with formation() as (monitor, processes, nodes):
        states = _states(monitor)
        primary = next(name for name, state in states.items() if state == "primary")
        timeline.note(f"formation ready: {states}")
        uri = _autoctl("show", "uri", "--pgdata", str(monitor), "--formation", "default").strip()
        # The nodes trust loopback connections; the drill connects as their superuser.
        uri = re.sub(r"sslmode=[a-z-]+", "sslmode=disable", uri).replace(
            "postgres://", "postgres://postgres@", 1
        )
        timeline.note(f"service connects to {uri}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FANGZHA_ARGON2_")}
        env = {**env, "DATABASE_URL": uri}
        env.pop("FANGZHA_SQLITE_PATH", None)
        _fangzha(env, "migrate")
        _fangzha(env, "demo")
        for number in range(options.staff):
            _fangzha(env, "users", "create", f"--username=drill_{number}", "--role=staff",
                     "--branch=NJ-LK", f"--password={PASSWORD}")  # fmt: skip
        with _serving(env, 2) as (base, _server):
            timeline.note(f"serving on {base} with 2 workers; {options.staff} staff logging")
            asyncio.run(
                _drive(
                    base,
                    options.staff,
                    options.before,
                    options.after,
                    lambda: _kill_node(processes[primary], nodes[primary]),
                    timeline,
                )
            )
            timeline.note(f"after the kill: {_states(monitor)}")
        counts = asyncio.run(_counts(uri))
    lost = [ref for ref in timeline.acknowledged if counts.get(ref, 0) == 0]
    duplicated = [ref for ref, n in counts.items() if n > 1]
    report = {
        "acknowledged": len(timeline.acknowledged),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "answers_503": timeline.unavailable,
        "retry_after": sorted(timeline.retry_after),
        "other_errors": len(timeline.other_errors),
        "transport_errors": timeline.transport_errors,
        "seconds_without_writes": round(timeline.resumed_at - timeline.killed_at, 1)
        if timeline.resumed_at and timeline.killed_at
        else None,
        "first_other_errors": timeline.other_errors[:3],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    failed = bool(lost or duplicated or timeline.other_errors or timeline.resumed_at is None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
