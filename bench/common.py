"""What the benchmarks that run their measurement in child processes share: Django set up in
the child, the child's environment, running it, and throw-away databases (SQLite files, or
databases on the PostgreSQL server of ``DATABASE_URL``)."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child_env(folder: str) -> dict[str, str]:
    """A production-like environment for a child, its files in ``folder``."""
    return {
        **os.environ,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "",
        "ALLOWED_HOSTS": "localhost",
        "VAR_DIR": folder,
        "MEDIA_ROOT": str(Path(folder) / "media"),
    }


def child(script: str, env: dict, *args: str) -> dict:
    """Run ``script`` with ``args`` in a fresh process; its last line of output is JSON."""
    # What the child writes to stderr (a traceback) shows as it happens.
    out = subprocess.run(
        [sys.executable, script, *args], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


class Databases:
    """Throw-away databases: new ones and copies (SQLite files in ``folder``, or
    ``bench_<prefix>_<name>_…`` on the PostgreSQL server of ``database_url``)."""

    def __init__(self, database_url: str | None, folder: str, prefix: str):
        self.url = database_url
        self.folder = Path(folder)
        self.made: list[str] = []
        self.admin = None
        if database_url is not None:
            import psycopg

            self.server, base = database_url.rsplit("/", 1)
            self.prefix = f"bench_{prefix}_{base}_"
            # The server's maintenance database: the one named in the URL need not exist.
            self.admin = psycopg.connect(f"{self.server}/postgres", autocommit=True)

    def new(self, name: str, template: str | None = None) -> str:
        """The URL of a new database ``name``, empty or a copy of ``template``."""
        if self.admin is None:
            if template is not None:
                for suffix in ("", "-wal", "-shm"):
                    source = self.folder / f"{template}.sqlite3{suffix}"
                    if source.exists():
                        shutil.copyfile(source, self.folder / f"{name}.sqlite3{suffix}")
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.prefix}{name}"')
        copy = f' TEMPLATE "{self.prefix}{template}"' if template else ""
        self.admin.execute(f'CREATE DATABASE "{self.prefix}{name}"{copy}')
        self.made.append(self.prefix + name)
        return f"{self.server}/{self.prefix}{name}"

    def drop_all(self) -> None:
        if self.admin is not None:
            for name in self.made:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            self.admin.close()


def people_create(tag: str, start: int, count: int) -> list:
    """``count`` accounts "Bench <Tag><n>" from ``start`` on, in one statement, none of
    which can log in."""
    from kundenportal.accounts.models import Person

    return Person.objects.bulk_create(
        Person(
            username=f"bench.{tag}{start + i}",
            first_name="Bench",
            last_name=f"{tag.capitalize()}{start + i}",
            name_key=f"bench {tag}{start + i}",
            email=f"bench.{tag}{start + i}@example.org",
            password="!" + "x" * 40,
        )
        for i in range(count)
    )


def certificates_create(participations: list, issued_on: dict, batch_size: int | None = None):
    """A certificate row for each participation, issued on ``issued_on[event id]``; its file
    is named but not stored (the benchmarks read no PDF)."""
    from kundenportal.documents.models import Certificate

    return Certificate.objects.bulk_create(
        (
            Certificate(
                participation_id=p.pk,
                issued_on=issued_on[p.event_id],
                filename="Bescheinigung.pdf",
                file=f"bescheinigungen/fehlt-{p.pk}.pdf",
                size=1000,
            )
            for p in participations
        ),
        batch_size=batch_size,
    )
