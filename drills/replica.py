"""Replica drill: a PostgreSQL primary and its streaming replica on loopback ports.

    .venv/bin/python drills/replica.py [pytest arguments]

Made with PostgreSQL's own tools (initdb, pg_ctl, pg_basebackup -R) in a
temporary folder, the servers listening on 127.0.0.1 only; then the replica
tests (tests/test_replica.py) run against them, the test database created on
the primary and read through the replica; then both servers are stopped and
their folder removed, whatever the outcome. The exit status is pytest's.

As root the servers run as the `postgres` user (initdb refuses root).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise SystemExit("PostgreSQL's server tools (initdb, pg_ctl, pg_basebackup) are missing")
    return Path(pg_ctl).parent


BIN = _bin_dir()


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def _run(*command: str) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(_as_postgres(*command), check=True, stdout=sys.stdout, stderr=sys.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(data: Path, port: int, log: Path) -> None:
    # Sockets beside, not inside, the data folder: pg_basebackup would meet them there.
    options = f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1"
    _run(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")


@contextlib.contextmanager
def primary_and_replica() -> Iterator[tuple[int, int]]:
    folder = Path(tempfile.mkdtemp(prefix="fangzha-replica-drill-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary, replica = folder / "primary", folder / "replica"
    ports = _free_port(), _free_port()
    started: list[Path] = []
    try:
        _run(
            str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        _start(primary, ports[0], folder / "primary.log")
        started.append(primary)
        _run(
            str(BIN / "pg_basebackup"),
            f"--pgdata={replica}",
            "--host=127.0.0.1",
            f"--port={ports[0]}",
            "--username=postgres",
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
        )
        _start(replica, ports[1], folder / "replica.log")
        started.append(replica)
        yield ports
    finally:
        for data in reversed(started):
            with contextlib.suppress(subprocess.CalledProcessError):
                _run(str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _wait_streaming(primary_port: int) -> None:
    """Until the primary lists its replica as streaming."""
    query = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        out = subprocess.run(
            _as_postgres(
                str(BIN.parent / "bin" / "psql"),
                f"--port={primary_port}",
                "--host=127.0.0.1",
                "--username=postgres",
                "-Atc",
                query,
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if out.stdout.strip() == "1":
            print("the replica is streaming", flush=True)
            return
        time.sleep(0.5)
    raise SystemExit("the replica did not start streaming within 30 s")


def main() -> int:
    with primary_and_replica() as (primary_port, replica_port):
        _wait_streaming(primary_port)
        env = {
            **os.environ,
            "CI": "true",
            "FANGZHA_TEST_DB": "postgres",
            "FANGZHA_TEST_POSTGRES": f"postgres://postgres@127.0.0.1:{primary_port}/postgres",
            "FANGZHA_TEST_REPLICA_POSTGRES": f"postgres://postgres@127.0.0.1:{replica_port}/postgres",
        }
        arguments = sys.argv[1:] or ["-q", "-p", "no:cacheprovider", "tests/test_replica.py"]
        pytest = Path(sys.executable).with_name("pytest")
        return subprocess.run([str(pytest), *arguments], env=env, cwd=REPO, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
