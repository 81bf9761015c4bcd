"""The load drill (drills/load.py), run short: it must find no error, loss or duplicate.

The full drill (60 s, 500 pollers, 20 staff) is run by hand; this keeps the
script working and its checks honest on the database under test.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.database import backend
from tests.tools.server import REPO

SHORT = ["--seconds", "4", "--pollers", "20", "--staff", "2", "--json"]


def test_a_short_drill_acknowledges_every_interception_exactly_once():
    if shutil.which("wrk") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("wrk is missing (apt-get install wrk; .ci/run installs it)")
        pytest.skip("wrk is missing (apt-get install wrk)")
    done = subprocess.run(
        [sys.executable, "drills/load.py", "--db", backend(), "--workers", "2", *SHORT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (report,) = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert report["feed_polls"] > 0
    assert report["interceptions_acknowledged"] > 0
    assert (report["feed_errors"], report["interception_errors"]) == (0, 0)
    assert (report["lost"], report["duplicated"]) == (0, 0)
