"""Benchmark: the retention purge over a large backlog of old data.

    python bench/retention.py                      # SQLite, and PostgreSQL when DATABASE_URL says so
    python bench/retention.py --count 220000       # about 1,000,000 rows
    python bench/retention.py --tracemalloc        # also the peak of Python allocations (slower)

``--count`` old participations (default 20,000), each with its registration and certificate,
one account per two participations, one audit entry per participation, five course documents
per event (an event per 50 participations): about 4.6 × count rows, every one of them due.
Plus 10 % recent data that must stay. Then ANALYZE, as autovacuum would after a bulk load. Each database gets a throw-away database (a temporary
SQLite file, or ``bench_retention_<name>`` on the PostgreSQL server); data are created in one
child process and purged in a fresh one, so its peak memory (ru_maxrss) is the purge's alone.
Not part of the test suite.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def create(count: int) -> None:
    _setup()
    import datetime as dt
    from decimal import Decimal

    import time_machine
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kundenportal.accounts.models import Person
    from kundenportal.audit.models import AuditEntry
    from kundenportal.documents.models import Certificate, CourseDocument
    from kundenportal.events.models import Event
    from kundenportal.registrations.models import Participation, Registration

    chunk = 10_000
    started = time.monotonic()
    old = dt.datetime(2014, 6, 1, 12, tzinfo=dt.UTC)
    # Everything is created "in 2014" (date_joined, created_at), so all of it is due.
    with time_machine.travel(old, tick=False):
        events_total = max(count // 50, 1)
        recent = max(events_total // 10, 1)
        Event.objects.bulk_create(
            (
                Event(
                    number=f"B-{i}",
                    title=f"Benchmark {i}",
                    first_day=dt.date(2014, 1, 1) + dt.timedelta(days=i % 300),
                    last_day=dt.date(2014, 1, 1) + dt.timedelta(days=i % 300),
                    capacity=100,
                    price=Decimal("100"),
                )
                for i in range(events_total)
            ),
            batch_size=chunk,
        )
        Event.objects.bulk_create(
            Event(
                number=f"R-{i}",
                title=f"Aktuell {i}",
                first_day=dt.date(2030, 1, 1),
                last_day=dt.date(2030, 1, 1),
                capacity=100,
                price=Decimal("100"),
            )
            for i in range(recent)
        )
        event_ids = list(Event.objects.filter(number__startswith="B-").values_list("pk", flat=True))
        recent_ids = list(
            Event.objects.filter(number__startswith="R-").values_list("pk", flat=True)
        )
        CourseDocument.objects.bulk_create(
            (
                CourseDocument(
                    event_id=event_id,
                    title=f"Skript {j}",
                    filename=f"Skript {j}.pdf",
                    file=f"unterlagen/fehlt-{event_id}-{j}.pdf",
                    size=1000,
                )
                for event_id in event_ids + recent_ids
                for j in range(5)
            ),
            batch_size=chunk,
        )
        unusable = "!" + "x" * 40
        total = count + count // 10
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            persons = Person.objects.bulk_create(
                Person(
                    username=f"bench.person{start + i}",
                    first_name="Bench",
                    last_name=f"Person{start + i}",
                    name_key=f"bench person{start + i}",
                    password=unusable,
                )
                for i in range(0, n, 2)
            )
            rows = []
            for i in range(n):
                index = start + i
                is_old = index < count
                event_id = (
                    event_ids[index % len(event_ids)]
                    if is_old
                    else recent_ids[index % len(recent_ids)]
                )
                rows.append((event_id, persons[i // 2].pk))
            registrations = Registration.objects.bulk_create(
                Registration(event_id=event_id, correspondence_email="b@example.org")
                for event_id, _person in rows
            )
            participations = Participation.objects.bulk_create(
                Participation(
                    registration_id=registration.pk,
                    event_id=event_id,
                    person_id=person_id,
                    status="attended",
                )
                for registration, (event_id, person_id) in zip(registrations, rows, strict=True)
            )
            issued = {event.pk: event.last_day for event in Event.objects.all().only("last_day")}
            Certificate.objects.bulk_create(
                Certificate(
                    participation_id=p.pk,
                    issued_on=issued[p.event_id],
                    filename="Bescheinigung.pdf",
                    file=f"bescheinigungen/fehlt-{p.pk}.pdf",
                    size=1000,
                )
                for p in participations
            )
            AuditEntry.objects.bulk_create(
                AuditEntry(
                    actor_label="System",
                    action="person.create",
                    object_type="accounts.person",
                    object_id=str(person.pk),
                    object_label=person.username,
                )
                for person in persons
                for _twice in range(2)
            )
    # As autovacuum (PostgreSQL) would soon after a bulk load: without statistics the planner
    # takes every table for empty and reads each chunk's candidates with a full scan.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tables = (Event, CourseDocument, Person, Registration, Participation, Certificate, AuditEntry)
    rows_total = sum(model.objects.count() for model in tables)
    print(json.dumps({"rows": rows_total, "create_seconds": time.monotonic() - started}))


def purge(batch_size: int, trace: bool) -> None:
    _setup()
    import resource
    import tracemalloc

    from django.db import connection

    from kundenportal.retention.services import retention_purge

    retention_purge(dry_run=True)  # warm-up: imports, first queries
    started = time.monotonic()
    dry = retention_purge(dry_run=True)
    dry_seconds = time.monotonic() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.monotonic()
    result = retention_purge(batch_size=batch_size)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    again = retention_purge()
    again_seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "deleted": result.total,
                "dry_run_total": dry.total,
                "dry_run_seconds": dry_seconds,
                "seconds": seconds,
                "counts": result.counts,
                "per_category": {
                    key: round(value, 2) for key, value in result.seconds_per_category.items()
                },
                "rss_before_mb": rss_before / 1024,
                "rss_peak_mb": rss_after / 1024,
                "tracemalloc_peak_mb": peak / 2**20 if peak is not None else None,
                "second_run_deleted": again.total,
                "second_run_seconds": again_seconds,
            }
        )
    )


def _child(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_database(database_url: str | None, args) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "",
    }
    env["ALLOWED_HOSTS"] = "localhost"
    with tempfile.TemporaryDirectory() as folder:
        env["VAR_DIR"] = folder
        env["MEDIA_ROOT"] = str(Path(folder) / "media")
        drop = None
        if database_url is None:
            env["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        else:
            import psycopg

            base, name = database_url.rsplit("/", 1)
            bench_name = f"bench_retention_{name}"
            admin = psycopg.connect(database_url, autocommit=True)
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            admin.execute(f'CREATE DATABASE "{bench_name}"')
            env["DATABASE_URL"] = f"{base}/{bench_name}"

            def drop():
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
                admin.close()

        try:
            created = _child(env, "--child", "create", "--count", str(args.count))
            measured = _child(
                env,
                "--child",
                "purge",
                "--batch-size",
                str(args.batch_size),
                *(["--tracemalloc"] if args.tracemalloc else []),
            )
        finally:
            if drop is not None:
                drop()
    rate = measured["deleted"] / measured["seconds"] if measured["seconds"] else 0
    print(
        f"{measured['vendor']:<10} rows {created['rows']:>9,}  "
        f"created in {created['create_seconds']:.0f} s  "
        f"dry run {measured['dry_run_seconds']:.1f} s  "
        f"purge {measured['seconds']:.1f} s ({rate:,.0f} rows/s, deleted {measured['deleted']:,})  "
        f"peak RSS {measured['rss_peak_mb']:.0f} MB (before {measured['rss_before_mb']:.0f} MB)"
        + (
            f"  tracemalloc peak {measured['tracemalloc_peak_mb']:.1f} MB"
            if measured["tracemalloc_peak_mb"] is not None
            else ""
        )
        + f"  second run deleted {measured['second_run_deleted']}"
        + f" in {measured['second_run_seconds']:.2f} s"
    )
    print(f"           deleted per category: {measured['counts']}")
    print(f"           seconds per category: {measured['per_category']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--child", choices=["create", "purge"])
    args = parser.parse_args()
    if args.child == "create":
        create(args.count)
        return
    if args.child == "purge":
        purge(args.batch_size, args.tracemalloc)
        return
    if not args.skip_sqlite:
        run_database(None, args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        run_database(url, args)


if __name__ == "__main__":
    main()
