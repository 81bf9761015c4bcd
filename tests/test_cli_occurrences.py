"""`fangzha occurrences`: the maintenance step that fills and extends the occurrence table."""

import sqlite3

from tests.test_cli import cli_env, count, demo_env, demo_template, fangzha  # noqa: F401


def test_occurrences_command_fills_what_is_missing(demo_env):  # noqa: F811
    rows = count(demo_env, "occurrence")
    assert rows > 127  # the demo's events, its home-visit series among them
    with sqlite3.connect(demo_env["FANGZHA_SQLITE_PATH"]) as db:
        # As a database from before the table existed would look.
        db.execute("DELETE FROM occurrence")
    result = fangzha(demo_env, "occurrences")
    assert "events filled" in result.stdout
    assert count(demo_env, "occurrence") == rows
    again = fangzha(demo_env, "occurrences")
    assert "0 events filled, 0 series extended" in again.stdout
    assert count(demo_env, "occurrence") == rows
