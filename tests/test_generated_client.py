"""A client generated from the app's OpenAPI document works, used as an integrator would.

openapi-python-client (a dev dependency) generates a package from the live app's
`/schema/openapi.json`; the test imports it and, through its typed functions and
models only, signs in, plans a campaign and an event, logs an interception as
one user and verifies it as another, and reads the summary and the progress.
"""

import compileall
import importlib
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from tests.fixtures import PASSWORD

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "fangzha_client"
# The files the API answers have no JSON schema; the client hands them over as bytes.
CONFIG = f"""package_name_override: {PACKAGE}
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  image/svg+xml: application/octet-stream
"""
CHINA = timezone(timedelta(hours=8))


@pytest.fixture
async def generated(client, tmp_path, monkeypatch) -> Any:
    """The generated package, imported from a temporary folder."""
    document = await client.get("/schema/openapi.json")
    assert document.status_code == 200
    (tmp_path / "openapi.json").write_bytes(document.content)
    (tmp_path / "config.yaml").write_text(CONFIG)
    done = await anyio.run_process(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "openapi.json"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        check=False,
    )
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 0, output
    # Every operation and shape understood: the generator omits what it cannot type.
    assert "WARNING" not in output, output
    assert compileall.compile_dir(tmp_path / PACKAGE, quiet=1)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        monkeypatch.delitem(sys.modules, name)
    return importlib.import_module(PACKAGE)


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def _sign_in(generated: Any, app: Any, username: str) -> Any:
    """An authenticated generated client for `username`, signed in through the API."""
    login = _module("api.accounts.login")
    models = _module("models")
    transport = httpx.ASGITransport(app=app)
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": transport})
    answer = await login.asyncio(
        client=anonymous, body=models.LoginIn(username=username, password=PASSWORD)
    )
    assert isinstance(answer, models.LoginOut), answer
    assert answer.user.username == username
    return generated.AuthenticatedClient(
        base_url="http://testserver", token=answer.token, httpx_args={"transport": transport}
    )


async def test_a_generated_client_runs_the_maker_checker_flow(generated, app, world):
    models = _module("models")
    campaigns = _module("api.campaigns.create_campaign")
    events = _module("api.events.create_event")
    logging = _module("api.interceptions.create_interception")
    verify = _module("api.interceptions.verify_interception")
    summary = _module("api.reports.report_summary")
    progress = _module("api.reports.campaign_progress")

    coordinator = await _sign_in(generated, app, "coord")
    maker = await _sign_in(generated, app, "coord_lk")

    campaign = await campaigns.asyncio(
        client=coordinator,
        body=models.CampaignCreate(
            name="反诈宣传月",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            goals=models.Goals(events=2, interceptions=4, amount_saved="100000.00"),
        ),
    )
    assert isinstance(campaign, models.CampaignOut), campaign
    event = await events.asyncio(
        client=coordinator,
        body=models.EventCreate(
            title="防范电信诈骗讲座",
            starts_at=datetime(2025, 3, 14, 10, tzinfo=CHINA),
            ends_at=datetime(2025, 3, 14, 11, tzinfo=CHINA),
            branch_id=world.branches["NJ-LK"],
            campaign_id=campaign.id,
            kind=models.EventCreateKind.LECTURE,
        ),
    )
    assert isinstance(event, models.EventOut), event
    assert event.campaign_id == campaign.id

    logged = await logging.asyncio(
        client=maker,
        body=models.InterceptionCreate(
            client_ref="generated-client-1",
            occurred_at=datetime(2025, 3, 15, 9, 30, tzinfo=CHINA),
            channel=models.InterceptionCreateChannel.COUNTER,
            fraud_type=models.InterceptionCreateFraudType.IMPERSONATING_AUTHORITIES,
            amount_saved="86000.00",
            event_id=event.id,
        ),
    )
    assert isinstance(logged, models.InterceptionOut), logged
    assert logged.status == "logged"

    # Maker-checker: whoever logged it cannot verify it; another coordinator can.
    own = await verify.asyncio_detailed(logged.id, client=maker, body=models.ReviewIn())
    assert isinstance(own.parsed, models.ErrorBody), own
    assert own.status_code in (403, 409, 422)
    assert own.parsed.status_code == own.status_code
    assert own.parsed.detail
    checked = await verify.asyncio(
        logged.id, client=coordinator, body=models.ReviewIn(note="已核实")
    )
    assert isinstance(checked, models.InterceptionOut), checked
    assert checked.status == "verified"

    report = await summary.asyncio(
        client=coordinator,
        from_="2025-03-01",
        to="2025-03-31",
        campaign=campaign.id,
    )
    assert isinstance(report, models.Summary), report
    assert report.events.held == 1
    assert report.interceptions.verified == 1
    assert report.interceptions.amount_saved == "86000.00"
    (by_type,) = report.by_fraud_type
    assert isinstance(by_type, models.FraudTypeTotals)
    assert (by_type.fraud_type, by_type.verified) == ("impersonating_authorities", 1)
    (by_branch,) = report.by_branch
    assert by_branch.code == "NJ-LK"

    figures = await progress.asyncio(campaign.id, client=coordinator)
    assert isinstance(figures, models.Progress), figures
    assert isinstance(figures.actuals, models.Actuals)
    assert (figures.actuals.events, figures.actuals.interceptions) == (1, 1)
    assert figures.actuals.amount_saved == "86000.00"
    assert figures.goals.interceptions == 4
    assert isinstance(figures.percent, models.PercentOfGoals)
    assert (figures.percent.events, figures.percent.interceptions) == (50.0, 25.0)
    assert figures.percent.amount_saved == 86.0
    assert figures.percent.attendees is None
