"""The `fangzha` command: serve, migrate, occurrences, backup, restore, demo, users."""

import asyncio
import ipaddress
import os
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from app.demo.password import DemoPassword

T = TypeVar("T")


def _run(coroutine: Awaitable[T]) -> T:
    async def with_database() -> T:
        from app.database import close_database, open_database

        await open_database()
        try:
            return await coroutine
        finally:
            await close_database()

    return asyncio.run(with_database())


@click.group()
def main() -> None:
    """Fangzha 防诈: anti-fraud education events, attendance and interceptions."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", default=8000, type=int, show_default=True)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@click.option(
    "--workers",
    envvar="FANGZHA_WORKERS",
    default=1,
    type=click.IntRange(1, 64),
    help="Worker processes sharing the port (production: about one per CPU core).",
)
@click.option(
    "--allow-demo-on-network",
    is_flag=True,
    help="Serve on a non-loopback address even while demo accounts can sign in.",
)
@click.option(
    "--request-log/--no-request-log",
    default=True,
    show_default=True,
    help="One JSON line per request on stderr (--no-request-log: Granian's plain access log).",
)
def serve(
    host: str,
    port: int,
    reload: bool,
    workers: int,
    allow_demo_on_network: bool,
    request_log: bool,
) -> None:
    """Serve the web app and API."""
    from app.server import run
    from app.settings import Settings

    if reload and workers > 1:
        raise click.UsageError("--reload restarts one process; use it without --workers.")
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Without a shared folder each worker would answer /metrics with its own share only.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fangzha-metrics-")
    settings = Settings.from_env()
    # Before anything creates a metric: prometheus_client opens its files on creation.
    _prepare_metrics_folder(settings.metrics_multiprocess_folder)
    if not _is_loopback(host) and not allow_demo_on_network:
        _refuse_network_while_demo_accounts(host)
    # The app reads it from the environment, as every worker process will.
    os.environ["FANGZHA_REQUEST_LOG"] = "1" if request_log else "0"
    # `make run` promises an admin on first start; a database without branches has no
    # place for one yet, which is not a reason to refuse serving.
    _ensure_admin(quiet_when_impossible=True)
    click.echo(f"Fangzha is serving on http://{host}:{port}  (API docs: /schema)")
    # Proxies: the app reads X-Forwarded-For from FANGZHA_TRUSTED_PROXIES only
    # (accounts/client_address.py), so the server passes the peer address as it is.
    run(host, port, workers, reload=reload, access_log=not request_log)


def _prepare_metrics_folder(folder: str) -> None:
    """PROMETHEUS_MULTIPROC_DIR, when set: created, and emptied of an earlier run's figures.

    Worker processes write their metrics there; files left by a previous run
    would be added to this one's (prometheus_client asks for an empty folder).
    """
    if not folder:
        return
    path = Path(folder)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


@main.command()
def migrate() -> None:
    """Apply the database migrations of every app."""
    from app.database import migrate as run_migrations

    _run(run_migrations())
    click.echo("Database is up to date.")


@main.command()
def occurrences() -> None:
    """Bring the occurrence table up to date: rows for events that have none, and open-ended
    series extended to two years ahead. Run it daily (cron or a timer)."""
    from events.occurrence_upkeep import keep_occurrences_current

    done = _run(keep_occurrences_current())
    click.echo(f"Occurrences: {done.filled} events filled, {done.extended} series extended.")


def _say(message: str) -> None:
    click.echo(message, err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Write a consistent copy of the database to FILE, while the server runs.

    SQLite: a copy of the database file. PostgreSQL: pg_dump's custom format.
    FILE is readable by its owner only: it holds password hashes.
    """
    from operations.backup import backup as write_backup
    from operations.backup_files import BackupError

    try:
        write_backup(file, replace=force, say=_say)
    except BackupError as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Restore into a database that is not empty, replacing its data."
)
def restore(file: Path, force: bool) -> None:
    """Load a backup FILE into the configured database, which must be empty.

    Stop the server first. For PostgreSQL create the empty database beforehand
    (createdb) and point DATABASE_URL at it. The backup holds the migrations
    state, so `fangzha migrate` afterwards only applies newer migrations.
    """
    from operations.backup import restore as load_backup
    from operations.backup_files import BackupError

    try:
        load_backup(file, replace=force, say=_say)
    except BackupError as exc:
        click.echo(f"Restore failed: {exc}", err=True)
        sys.exit(1)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_network_while_demo_accounts(host: str) -> None:
    from app.demo.presence import active_demo_usernames

    try:
        usernames = _run(active_demo_usernames())
    except Exception as exc:
        click.echo(f"Could not check for demo accounts (run `fangzha migrate`?): {exc}", err=True)
        sys.exit(1)
    if usernames:
        click.echo(
            f"Refusing to serve on {host}: the demo accounts ({', '.join(usernames)}) can sign "
            "in with a password printed on a terminal, and anyone on the network could reach "
            "them. Serve on 127.0.0.1, deactivate the demo accounts, use a database without "
            "the demo, or pass --allow-demo-on-network.",
            err=True,
        )
        sys.exit(1)


@main.group(invoke_without_command=True)
@click.option("--if-empty", is_flag=True, help="Only load when there are no branches yet.")
@click.pass_context
def demo(context: click.Context, if_empty: bool) -> None:
    """Load the Nujiang demo: its network, 2025 history, and activity around today.

    The demo users get a random password, printed once; `fangzha demo password`
    gives them a new one.
    """
    if context.invoked_subcommand is not None:
        return
    from app.demo.load import load_demo

    loaded = _run(load_demo(only_if_empty=if_empty))
    if loaded is None:
        click.echo("Database already has data; demo not loaded.")
        return
    click.echo("Demo data loaded.")
    _tell_demo_password(loaded)


@demo.command("password")
def demo_password() -> None:
    """Give the demo users a new random password and print it (the old one stops working)."""
    from app.demo.password import reset_demo_password

    reset = _run(reset_demo_password())
    if reset is None:
        click.echo("There are no demo accounts; `fangzha demo` loads the demo.", err=True)
        sys.exit(1)
    _tell_demo_password(reset)


def _tell_demo_password(demo: "DemoPassword") -> None:
    click.echo(f"Demo users: {', '.join(demo.usernames)}")
    click.echo(f"Demo password: {demo.password}")
    click.echo("Shown only now; `fangzha demo password` sets and prints a new one.")


@main.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(["admin", "coordinator", "staff"]), required=True)
@click.option("--branch", "branch_code", required=True, help="Branch code, e.g. NJ-LK.")
@click.option("--display-name", default=None)
@click.option(
    "--password",
    envvar="FANGZHA_NEW_PASSWORD",
    default=None,
    help="Read from FANGZHA_NEW_PASSWORD or prompted when not given.",
)
def users_create(
    username: str, role: str, branch_code: str, display_name: str | None, password: str | None
) -> None:
    """Create a user account."""
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    from accounts.cli_accounts import create_user_by_branch_code

    try:
        user = _run(create_user_by_branch_code(username, password, role, branch_code, display_name))
    except Exception as exc:
        click.echo(f"Could not create the user: {getattr(exc, 'detail', exc)}", err=True)
        sys.exit(1)
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@users.command("ensure-admin")
def users_ensure_admin() -> None:
    """Make sure an `admin` account exists (password from FANGZHA_ADMIN_PASSWORD)."""
    _ensure_admin(quiet_when_impossible=False)


def _ensure_admin(quiet_when_impossible: bool) -> None:
    from accounts.cli_accounts import ensure_admin

    password = os.environ.get("FANGZHA_ADMIN_PASSWORD") or None
    try:
        created, generated = _run(ensure_admin(password))
    except Exception as exc:
        click.echo(f"Could not set up the admin user: {getattr(exc, 'detail', exc)}", err=True)
        if quiet_when_impossible:
            return
        sys.exit(1)
    if created and generated:
        click.echo(f"Created user admin with password: {generated}  (shown once; keep it)")
    elif created:
        click.echo("Created user admin with the password from FANGZHA_ADMIN_PASSWORD.")
    elif password:
        click.echo("User admin exists; its password was set from FANGZHA_ADMIN_PASSWORD.")
    else:
        click.echo("User admin exists; its password is unchanged.")
