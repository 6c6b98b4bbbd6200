"""Property-based run of schemathesis against the live server's OpenAPI document: every
operation with at least ``SCHEMATHESIS_EXAMPLES`` generated requests (default 100); no server
error, no response that breaks the documented schema, status codes or content types."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kundenportal.integrations.models import Scope
from kundenportal.integrations.services import integration_create
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, tmp_path):
    staff = PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)
    _integration, token = integration_create(
        name="Schemathesis", scopes=list(Scope.values), actor=staff, rate_limit=10**6
    )
    # Some data for the operations to find (numbers and ids a generator may hit).
    event = EventFactory(number="1")
    ParticipationFactory(registration__event=event)
    PersonFactory(username="max.mustermann")
    report = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--url",
        live_server.url,
        "-H",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        "20301",
        "--no-color",
        "--generation-deterministic",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    # Run in the test's folder: schemathesis keeps its cache of examples beside it.
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=3000, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-15000:]
