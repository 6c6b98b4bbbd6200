"""Two `manage.py run_worker` processes on PostgreSQL at once: each mail once, each job once.

The claim is SELECT … FOR UPDATE SKIP LOCKED and a job's lease one conditional UPDATE; this
runs them as production does, in separate processes with their own connections.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.notifications.services import mail_enqueue
from kundenportal.worker.models import PeriodicJob
from tests.smtp_server import SMTPServer

from .helpers import production_env, workers_deliver

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
    try:
        errors = "".join(workers_deliver(env, smtp, MAILS))
    finally:
        smtp.stop()
    for name in JOBS:
        job = PeriodicJob.objects.get(name=name)
        assert job.runs == 1, (name, errors)
        assert job.due_at > timezone.now()
    assert AuditEntry.objects.filter(action="retention.purge").count() == 1
