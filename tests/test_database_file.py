"""The SQLite file, with its -wal and -shm companions, is readable by the service's user only."""

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).absolute().parents[1]

# A process with the usual umask (022) opens the database the way the service
# does, writes in WAL mode and reports the modes while the companions exist.
_OPEN_AND_WRITE = """
import os, sqlite3, sys
os.umask(0o022)
import piccolo_conf  # creates the file
path = os.environ["FANGZHA_SQLITE_PATH"]
connection = sqlite3.connect(path)
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("CREATE TABLE IF NOT EXISTS t (x)")
connection.execute("INSERT INTO t VALUES (1)")
connection.commit()
for name in (path, path + "-wal", path + "-shm"):
    print(name, oct(os.stat(name).st_mode & 0o777))
connection.close()
"""


def _modes(path: Path) -> dict[str, int]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "FANGZHA_SQLITE_PATH"}
    }
    env.update({"FANGZHA_SQLITE_PATH": str(path), "PYTHONPATH": str(REPO)})
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_WRITE],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modes = {}
    for line in result.stdout.splitlines():
        name, mode = line.rsplit(" ", 1)
        modes[Path(name).name] = int(mode, 8)
    return modes


def test_a_new_database_file_and_its_companions_are_private(tmp_path):
    path = tmp_path / "data" / "fangzha.sqlite"
    modes = _modes(path)
    assert modes == {
        "fangzha.sqlite": 0o600,
        "fangzha.sqlite-wal": 0o600,
        "fangzha.sqlite-shm": 0o600,
    }
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_database_file_readable_by_others_is_tightened(tmp_path):
    path = tmp_path / "fangzha.sqlite"
    path.touch()
    path.chmod(0o644)
    assert _modes(path)["fangzha.sqlite"] == 0o600
