"""Two `manage.py run_worker` processes on PostgreSQL at once: each mail once, each job once.

The claim is SELECT … FOR UPDATE SKIP LOCKED and a job's lease one conditional UPDATE; this
runs them as production does, in separate processes with their own connections.
"""

import datetime as dt
import re
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.notifications.models import PeriodicJob
from kundenportal.notifications.services import mail_enqueue
from tests.smtp_server import SMTPServer

from .conftest import MANAGE, ROOT, production_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MAILS = 60
JOBS = ("retention.purge", "notifications.outbox_purge")


def test_two_workers_send_each_mail_once_and_run_each_due_job_once(tmp_path):
    smtp = SMTPServer().start()
    smtp.handler.delay = 0.03  # both workers are busy at the same time
    for i in range(MAILS):
        mail_enqueue(
            template="password_changed",
            to=[f"p{i}@example.org"],
            context={"first_name": "Jürgen", "last_name": f"Größe{i}", "username": f"u{i}"},
        )
    # Both daily jobs are due now: two workers start at the same moment and race for them.
    for name in JOBS:
        PeriodicJob.objects.create(name=name, due_at=timezone.now() - dt.timedelta(minutes=1))
    env = production_env(
        tmp_path,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        OUTBOX_BATCH_SIZE="4",
        WORKER_POLL_SECONDS="0.1",
        LOG_LEVEL="INFO",
    )
    workers = [
        subprocess.Popen([*MANAGE, "run_worker"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(smtp.received) < MAILS and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice, or a job run twice, would happen now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        smtp.stop()
    logs = [w.stderr.read().decode() for w in workers]
    errors = "".join(logs)
    assert all(w.returncode == 0 for w in workers), errors
    counts = Counter(r.message["X-Kundenportal-Mail"] for r in smtp.received)
    assert len(counts) == MAILS, errors
    assert set(counts.values()) == {1}, errors
    # Both took part (each logs "outbox: N sent, ..." for its batches).
    assert all(re.search(r"outbox: [1-9]\d* sent", log) for log in logs), errors
    for name in JOBS:
        job = PeriodicJob.objects.get(name=name)
        assert job.runs == 1, (name, errors)
        assert job.due_at > timezone.now()
    assert AuditEntry.objects.filter(action="retention.purge").count() == 1
