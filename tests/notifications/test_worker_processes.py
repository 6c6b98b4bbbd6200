"""Two real worker processes on one SQLite file database and a real SMTP server.

On SQLite the claim is serialised by the IMMEDIATE transaction (settings); this checks it the
way production runs it: separate processes, each with its own connection.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes.helpers import workers_deliver
from tests.smtp_server import SMTPServer

ROOT = Path(__file__).resolve().parents[2]
MAILS = 60

ENQUEUE = f"""
from kundenportal.notifications.services import mail_enqueue
for i in range({MAILS}):
    mail_enqueue(template="password_changed", to=[f"p{{i}}@example.org"],
                 context={{"first_name": "Jürgen", "last_name": f"Größe{{i}}", "username": f"u{{i}}"}})
"""


@pytest.fixture
def server():
    smtp = SMTPServer().start()
    smtp.handler.delay = 0.05  # slow enough that both workers are busy at the same time
    yield smtp
    smtp.stop()


def test_two_worker_processes_on_sqlite_send_each_mail_once(tmp_path, server):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path),
        "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
        "OUTBOX_BATCH_SIZE": "4",
        "WORKER_POLL_SECONDS": "0.1",
        "LOG_LEVEL": "INFO",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run(
        [*manage, "shell", "-v0", "-c", ENQUEUE], cwd=ROOT, env=env, check=True, timeout=60
    )
    logs = workers_deliver(env, server, MAILS)
    assert "database is locked" not in "".join(logs)
