"""deploy/backup.sh and deploy/restore.sh: a dump of a database with data, restored into a
new database, and the portal serves it (a separate process on the restored database)."""

import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from kundenportal.documents.services import course_document_create
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import django
django.setup()
from django.test import Client
from kundenportal.accounts.models import Person

client = Client()
print("healthz", client.get("/healthz").status_code)
client.force_login(Person.objects.get(username="{username}"))
page = client.get("/portal/teilnahmen/")
print("teilnahmen", page.status_code, "{title}" in page.content.decode())
page = client.get("/portal/unterlagen/{document}/herunterladen/")
print("unterlage", page.status_code, b"".join(page.streaming_content).decode())
"""


def _url(name: str) -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "SECRET_KEY": "x7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT(yU)",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "VAR_DIR": str(tmp_path / "var"),
            "PYTHON": sys.executable,
            **extra,
        }
    )
    return env


def _run(command, env):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dump_restored_into_a_new_database_is_served_by_the_portal(tmp_path, settings):
    # Data committed (transaction=True), so pg_dump in another process sees it.
    person = PersonFactory(username="gerda.gruendlich", first_name="Gerda")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    event = EventFactory(
        title="Kanalsanierung für Fortgeschrittene", first_day=yesterday, last_day=yesterday
    )
    ParticipationFactory(person=person, registration__event=event, status="attended")
    document = course_document_create(
        event=event, title="Skript", upload=ContentFile(b"%PDF-1.4 gerettet", name="Skript.pdf")
    )
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore_{secrets.token_hex(4)}"
    env = _env(tmp_path, MEDIA_ROOT=str(settings.MEDIA_ROOT))

    backup = _run(
        ["/bin/bash", "deploy/backup.sh", str(tmp_path / "backups")],
        {**env, "DATABASE_URL": _url(source)},
    )
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.exists() and dump.suffix == ".dump"
    try:
        restored = _run(["/bin/bash", "deploy/restore.sh", str(dump), _url(target)], env)
        assert "accounts 1" in restored.stdout
        assert "course documents 1" in restored.stdout

        code = SERVE.format(username=person.username, title=event.title, document=document.pk)
        served = _run(
            [sys.executable, "-c", code],
            {
                **env,
                "DATABASE_URL": _url(target),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                # Static files from the apps' folders (production serves them collected).
                "DEBUG": "1",
                # Only the lines the script prints (no login event lines in between).
                "LOG_LEVEL": "WARNING",
            },
        )
        assert served.stdout.splitlines() == [
            "healthz 200",
            "teilnahmen 200 True",
            "unterlage 200 %PDF-1.4 gerettet",
        ]

        # An existing database is never overwritten.
        again = subprocess.run(
            ["/bin/bash", "deploy/restore.sh", str(dump), _url(target)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == 1
        assert "exists already" in again.stderr
    finally:
        subprocess.run(
            [
                shutil.which("psql") or "psql",
                _url("postgres"),
                "-Xq",
                "-c",
                f'DROP DATABASE IF EXISTS "{target}"',
            ],
            check=False,
            timeout=60,
        )
