"""The production ASGI server: Granian, as `fangzha serve` runs it.

Chosen by measurement (README, "Workers"): under 500 keep-alive pollers
uvicorn served most polls quickly but left some waiting seconds, past a
calendar app's timeout, while Granian's Rust front end queues the excess
connections itself and hands the Python loop only what it can serve, so its
slowest poll stayed under a quarter of a second. Its supervisor respawns a
worker that dies (tests/test_worker_faults.py kills one with SIGKILL).
"""

from granian import Granian
from granian.constants import Interfaces

# Granian's own access line (`--no-request-log`): the common log format's request
# and status, then the time taken. The JSON request log holds the query as well.
ACCESS_FORMAT = '%(addr)s - "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms'


def run(host: str, port: int, workers: int, reload: bool, access_log: bool) -> None:
    Granian(
        "app.asgi:app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        reload=reload,
        log_access=access_log,
        log_access_format=ACCESS_FORMAT,
        respawn_failed_workers=True,
        # A stopping worker finishes its requests first, but not forever.
        workers_kill_timeout=10,
    ).serve()
