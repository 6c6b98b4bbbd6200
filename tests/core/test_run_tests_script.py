"""scripts/run-tests (what `make test` runs): Chromium for the browser tests on a fresh machine.

The machine has Chromium; each test builds a PATH of fake commands (``id``, ``apt-get``,
``chromium``, the Python that would run pytest) so every situation can be tried without
uninstalling anything.
"""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run-tests"


def _command(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/bash\n" + body + "\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def machine(tmp_path):
    """A fresh machine without Chromium: a PATH holding only fake commands."""

    class Machine:
        bin = tmp_path / "bin"
        log = tmp_path / "calls.log"

        def as_user(self, uid: int):
            _command(self.bin, "id", f'[[ "$1" == -u ]] && echo {uid}')

        def with_apt(self, *, install_works: bool = True):
            create = (
                f'printf "#!/bin/bash\\n" > {self.bin}/chromium; /bin/chmod +x {self.bin}/chromium'
            )
            _command(
                self.bin,
                "apt-get",
                f'echo "apt-get $*" >> {self.log}\n'
                f'if [[ "$1" == install ]]; then {create if install_works else "exit 100"}; fi',
            )

        def run(self, *pytest_args: str, **env: str):
            python = _command(
                self.bin,
                "fake-python",
                f'echo "pytest-args: $*" >> {self.log}\n'
                f'echo "CHROMIUM_PATH=${{CHROMIUM_PATH:-}}" >> {self.log}\n'
                "exit ${FAKE_PYTEST_STATUS:-0}",
            )
            environ = {"PATH": str(self.bin), "HOME": str(tmp_path), **env}
            result = subprocess.run(
                ["/bin/bash", str(SCRIPT), str(python), *pytest_args],
                env=environ,
                capture_output=True,
                text=True,
                timeout=30,
            )
            calls = self.log.read_text() if self.log.exists() else ""
            return result, calls

    Machine.bin.mkdir()
    machine = Machine()
    machine.as_user(1000)
    return machine


def test_chromium_on_path_runs_every_test_with_it(machine):
    chromium = _command(machine.bin, "chromium", "")

    result, calls = machine.run("-q", "tests/portal")

    assert result.returncode == 0
    assert "pytest-args: -m pytest -q tests/portal\n" in calls
    assert f"CHROMIUM_PATH={chromium}" in calls
    assert "apt-get" not in calls


def test_root_with_apt_installs_debians_chromium_then_runs_every_test(machine):
    machine.as_user(0)
    machine.with_apt()

    result, calls = machine.run("-q")

    assert result.returncode == 0, result.stderr
    assert "apt-get update -qq\napt-get install -y -qq chromium\n" in calls
    assert "pytest-args: -m pytest -q\n" in calls
    assert f"CHROMIUM_PATH={machine.bin / 'chromium'}" in calls
    assert "installing Debian's package" in result.stderr


def test_user_who_may_not_install_gets_browser_tests_skipped_and_told_what_to_do(machine):
    machine.with_apt()

    result, calls = machine.run("-q", FAKE_PYTEST_STATUS="0")

    assert result.returncode == 0
    assert "apt-get" not in calls
    assert "pytest-args: -m pytest -m not browser -q\n" in calls
    assert result.stderr.count("SKIPPED") == 2  # at the start and at the end of the run
    assert "sudo apt-get install -y chromium" in result.stderr


def test_skipping_keeps_the_failure_of_the_other_tests(machine):
    result, _calls = machine.run(FAKE_PYTEST_STATUS="1")

    assert result.returncode == 1
    assert "no apt-get here" in result.stderr


def test_require_browser_fails_instead_of_skipping(machine):
    result, calls = machine.run(REQUIRE_BROWSER="1")

    assert result.returncode == 1
    assert "pytest-args" not in calls
    assert "FAILED: the browser tests cannot run" in result.stderr


def test_failed_installation_is_reported_and_skips(machine):
    machine.as_user(0)
    machine.with_apt(install_works=False)

    result, calls = machine.run()

    assert "apt-get install -y -qq chromium" in calls
    assert "pytest-args: -m pytest -m not browser\n" in calls
    assert "Installing Debian's chromium package failed" in result.stderr


def test_chromium_path_that_is_wrong_is_not_silently_replaced(machine, tmp_path):
    _command(machine.bin, "chromium", "")

    result, calls = machine.run(CHROMIUM_PATH=str(tmp_path / "nowhere"))

    assert "pytest-args: -m pytest -m not browser\n" in calls
    assert "is not an executable file" in result.stderr


def test_makefile_test_target_calls_the_script():
    makefile = (SCRIPT.parents[1] / "Makefile").read_text()
    ci = (SCRIPT.parents[1] / ".ci" / "run").read_text()
    assert "@scripts/run-tests $(PY) $(PYTEST_ARGS)" in makefile
    assert "apt-get" not in ci
    assert os.access(SCRIPT, os.X_OK)
