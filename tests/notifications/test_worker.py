"""The outbox's worker process: its daily purge, one loop, a clean stop on SIGTERM."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from kundenportal.notifications.models import OutboxMail
from kundenportal.worker import jobs

pytestmark = pytest.mark.django_db


def test_outbox_purge_is_registered_as_daily_job():
    assert jobs.registered_jobs()["notifications.outbox_purge"].daily_at == dt.time(2, 30)


@pytest.mark.django_db(transaction=True)  # the worker closes stale connections between loops
def test_run_worker_once_sends_the_outbox(mailoutbox):
    OutboxMail.objects.create(
        template="password_changed",
        to=["a@example.org"],
        context={"first_name": "A", "last_name": "B", "username": "a.b"},
    )
    call_command("run_worker", "--once")
    assert len(mailoutbox) == 1
    assert OutboxMail.objects.get().status == OutboxMail.Status.SENT


def test_worker_process_stops_cleanly_on_sigterm(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(tmp_path), "WORKER_POLL_SECONDS": "0.2"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [*manage, "run_worker"], cwd=root, env=env, stdout=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    started = threading.Event()

    def read_output():
        for line in worker.stdout:
            lines.append(line)
            if "worker started" in line:
                started.set()

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        # Only once the worker says it runs are its signal handlers in place.
        assert started.wait(60), "".join(lines)
        time.sleep(0.5)  # let it enter its loop
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
        reader.join(timeout=5)
    finally:
        if worker.poll() is None:
            worker.kill()
    err = "".join(lines)
    assert worker.returncode == 0, err
    assert "worker stopped" in err
