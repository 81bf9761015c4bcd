"""Schemathesis against the app's own OpenAPI document: every operation, as admin.

The real app runs under uvicorn in a subprocess on the test database (so the
async database pool lives in its own event loop), loaded with the demo. Each
operation gets a fixed number of generated requests, valid and invalid, with a
derandomised Hypothesis: the same inputs every run. Any 5xx or any response that
does not match the documented schema fails the test, listing every operation at
fault with a command that replays the request.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

REPO = Path(__file__).absolute().parents[1]
FANGZHA = Path(sys.executable).with_name("fangzha")
ADMIN_PASSWORD = "fuzzing admin pw"
# Per operation and generation mode; about a minute for the whole API on two cores.
MAX_EXAMPLES = int(os.environ.get("FANGZHA_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env() -> dict[str, str]:
    # DATABASE_URL or FANGZHA_SQLITE_PATH: the database this test run created.
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "FANGZHA_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }


@pytest.fixture
def live_server(tmp_path):
    # The autouse clean_database fixture has emptied the test database; the demo goes in.
    env = server_env()
    subprocess.run(
        [str(FANGZHA), "demo"], env=env, cwd=REPO, check=True, capture_output=True, timeout=120
    )
    port = free_port()
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(FANGZHA), "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited early"
            assert time.monotonic() < deadline, "the server did not answer /health"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


class Admin:
    """A signed-in admin that signs in again when a fuzzed request ended its session."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.base = base
        self.session = session
        response = session.post(
            f"{base}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.id = response.json()["user"]["id"]
        self.token = response.json()["token"]
        # The cookie would authenticate requests whose bearer token a case replaced.
        session.cookies.clear()

    def sign_in_again(self) -> None:
        self.__init__(self.base, self.session)  # type: ignore[misc]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def fuzz_operation(
    operation: Any, mode: GenerationMode, base: str, admin: Admin, session: requests.Session
) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # A new password for the admin itself would end the session under test.
        own = (case.path_parameters or {}).get("user_id") == admin.id
        if operation.path == "/api/users/{user_id}" and own:
            case.path_parameters["user_id"] = admin.id + 1
        response = case.call(base_url=base, session=session, headers=admin.headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        finally:
            if operation.path == "/api/auth/logout" or response.status_code == 401:
                admin.sign_in_again()

    run()


def describe(error: BaseException) -> str:
    text = str(error).strip()
    return text[:3000]


def test_every_operation_survives_fuzzing(live_server):
    base, log = live_server
    session = requests.Session()
    admin = Admin(base, session)
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    failures: list[str] = []
    walked = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # raises on a broken schema
        walked += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(operation, mode, base, admin, session)
            except Unsatisfiable:
                # No parameters and no body: there is no invalid request to make.
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} [{mode.value}]\n{describe(error)}")
    assert walked >= 12, "the schema should list every operation"
    if failures:
        log.seek(0)
        server_log = log.read()[-6000:]
        pytest.fail(
            f"{len(failures)} fuzzing failure(s):\n\n"
            + "\n\n".join(failures)
            + f"\n\n--- server log (tail) ---\n{server_log}"
        )
