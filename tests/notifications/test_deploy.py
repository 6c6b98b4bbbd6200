"""The documented production units start commands that exist."""

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _exec_start(unit: str) -> list[str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / unit)
    return shlex.split(parser["Service"]["ExecStart"])


def test_worker_unit_runs_the_worker_command_and_stops_with_sigterm():
    command = _exec_start("kundenportal-worker@.service")
    assert command[-2:] == ["manage.py", "run_worker"]
    assert "run_worker" in get_commands()
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / "kundenportal-worker@.service")
    assert parser["Service"]["KillSignal"] == "SIGTERM"
    assert parser["Service"]["Restart"] == "always"


@pytest.mark.parametrize("unit", ["kundenportal-web.service", "kundenportal-worker@.service"])
def test_units_read_the_environment_file(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / unit)
    assert parser["Service"]["EnvironmentFile"] == "/etc/kundenportal/environment"
    assert _exec_start(unit)[0].startswith("/opt/kundenportal/.venv/bin/")
