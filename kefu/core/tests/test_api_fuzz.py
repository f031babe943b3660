"""Fuzzing the whole REST API from its own OpenAPI schema (issue 11 item 14).

Schemathesis reads /api/openapi.json with a token, as any program would, and sends every operation
generated requests, valid and invalid, with every check on: no answer may be a 5xx, every answer must
match the documented schema (status code, content type, headers, body), invalid input must be refused
and valid input accepted, auth must not be ignored. It runs as its command-line tool against the live
test server, over a small demo utility, exactly as an outside reviewer would run it; a failure prints
the operation and a curl command that reproduces it.

Bounded so that it stays a CI test: KEFU_FUZZ_EXAMPLES examples per operation and phase, with a fixed
seed so a failure reproduces. For a longer hunt: KEFU_FUZZ_EXAMPLES=200 KEFU_FUZZ_SEED=7 pytest -m fuzz.
Select it alone with `pytest -m fuzz`, leave it out with `-m "not fuzz"`.
"""

import json
import logging
import os
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import request_started
from pytest_django.live_server_helper import LiveServer

from kefu.accounts.auth import issue_token
from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.core.services import set_policy

EXAMPLES = os.environ.get("KEFU_FUZZ_EXAMPLES", "30")
SEED = os.environ.get("KEFU_FUZZ_SEED", "2026")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Generation settings, and why a 400 may answer schema-valid data: read the file.
CONFIG = Path(__file__).with_name("schemathesis.toml")

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def token(shipped_categories):
    """A small demo utility (customers, contacts and work orders in every state, counter processes,
    articles, outages) and the token of an administrator who may call every operation."""
    call_command("seed_demo", customers=30, contacts=40, verbosity=0)
    fuzzer = UserFactory(username="fuzzer", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    # A roster plan is solved while the request waits, up to this rule (30 s by default): schemathesis
    # gives an answer 10 s, and its many generation requests would take minutes, so the run caps it low.
    set_policy(actor=fuzzer, key="workforce.solver_seconds", value=2)
    return issue_token(user=fuzzer, name="接口模糊测试")


class NoDelayServer(ThreadedWSGIServer):
    """The test server with Nagle's algorithm off. Django's server writes an answer's headers and body
    separately; on a kept-alive connection the second write then waits for the client's delayed ACK,
    40–50 ms a request, which would make thousands of requests take minutes instead of seconds."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


@pytest.fixture
def api_server(transactional_db):
    server = LiveServer("localhost", start=False)
    server.thread.server_class = NoDelayServer
    server.start()
    yield server.url
    server.stop()


def run_schemathesis(url: str, token: str, report: Path) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        # One worker: the test server's SQLite database is one in-memory file shared by threads, and
        # concurrent writers would report its locks, not kefu's faults.
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=900, env=_without_proxy(), cwd=report.parent
    )


def _without_proxy() -> dict:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return env | {"NO_PROXY": "*", "no_proxy": "*"}


class AnswerCounter(logging.Handler):
    """Counts the requests the server answered, and its 4xx/5xx by status (Django logs every answer
    of 400 or more on django.request), for the figures in docs/SECURITY.md."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.requests = 0
        self.by_status = Counter()

    def request_started(self, **kwargs):
        self.requests += 1

    def emit(self, record):
        status = getattr(record, "status_code", None)
        if status:
            self.by_status[status] += 1

    def figures(self, report: dict) -> str:
        errors = sum(n for status, n in self.by_status.items() if status >= 500)
        operations = report.get("operations", {}).get("tested", "?")
        cases = report.get("test_cases", {}).get("generated", "?")
        return (
            f"API fuzzing: {operations} operations, {cases} generated test cases, {self.requests} requests, "
            f"{errors} server errors; refusals by status {dict(sorted(self.by_status.items()))}"
        )


@pytest.fixture
def answers():
    counter = AnswerCounter()
    logger = logging.getLogger("django.request")
    logger.addHandler(counter)
    request_started.connect(counter.request_started)
    yield counter
    request_started.disconnect(counter.request_started)
    logger.removeHandler(counter)


def test_no_generated_request_breaks_the_api_or_its_schema(api_server, token, answers, tmp_path):
    # given the live API and an administrator's token
    # when schemathesis sends every operation its generated requests
    result = run_schemathesis(api_server, token, tmp_path / "fuzz.json")
    # then every check held: no 5xx, every answer as documented, bad input refused
    report = json.loads((tmp_path / "fuzz.json").read_text()) if (tmp_path / "fuzz.json").exists() else {}
    # pytest shows the output with a failure, and with -s on success: the figures come last
    print(result.stdout, result.stderr, answers.figures(report), sep="\n")
    assert result.returncode == 0, "schemathesis found failures (its report is printed above)"
