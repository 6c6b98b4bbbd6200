"""Benchmark: the retention purge over a large backlog, against a plain SQL DELETE of the same rows.

    python bench/retention.py                      # SQLite, and PostgreSQL when DATABASE_URL says so
    python bench/retention.py --skip-sqlite        # PostgreSQL only
    python bench/retention.py --count 20000 --scale 2000,20000   # smaller, quicker
    python bench/retention.py --extras             # also a certificate (file) and an audit entry each
    python bench/retention.py --tracemalloc        # also the peak of Python allocations (slower)

For each size (``--scale``, default 5,000 and 50,000, and ``--count``, default 100,000) a
throw-away database is seeded with that many old participations, each with its own
registration and its own account (an event per 50), all of them due (created "in 2014"), plus
10 % recent ones that must stay; then ANALYZE, as autovacuum would after a bulk load. The seeded
database is copied (PostgreSQL: ``CREATE DATABASE … TEMPLATE``; SQLite: the file), and in fresh
processes

- the purge runs on one copy (wall time, CPU time of the process, peak RSS, seconds per
  category, and that a second run deletes nothing), ``--repeat`` times (default 3), each on a
  fresh copy: the fastest run counts, and the least CPU time of them (the machine's other work
  only ever adds to a figure), and
- at ``--count`` only, the baseline runs on the other: a plain batched SQL ``DELETE`` of the
  same rows (``DELETE … WHERE id IN (SELECT id … LIMIT batch)``, one transaction per batch, table
  by table, children first), which is what the database itself needs to remove them.

Printed: the purge's time as a ratio to the baseline (target ≤ 3×), the CPU time of the largest
``--scale`` size against the smallest (target ≤ 11× for 10× the rows: linear) and the peak RSS
per size (flat). Not part of the test suite.
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

# Children before parents: the order a plain DELETE must take.
TABLES = [
    "documents.Certificate",
    "registrations.Participation",
    "registrations.Registration",
    "audit.AuditEntry",
    "accounts.Person",
]


def create(count: int, extras: bool) -> None:
    common.django_setup()
    import datetime as dt
    from decimal import Decimal

    import time_machine
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from kundenportal.audit.models import AuditEntry
    from kundenportal.events.models import Event
    from kundenportal.registrations.models import Participation, Registration

    chunk = 10_000
    started = time.monotonic()
    old = dt.datetime(2014, 6, 1, 12, tzinfo=dt.UTC)
    # Everything is created "in 2014" (date_joined, created_at), so all of it is due except the
    # participations in the recent events.
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
        issued = {event.pk: event.last_day for event in Event.objects.all().only("last_day")}
        total = count + count // 10
        # Old rows are created first, so in every table they have the lower primary keys.
        due_max: dict[str, int] = {}
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            persons = common.people_create("person", start, n)
            rows = []
            for i in range(n):
                index = start + i
                ids = event_ids if index < count else recent_ids
                rows.append((index < count, ids[index % len(ids)], persons[i]))
            registrations = Registration.objects.bulk_create(
                Registration(event_id=event_id, correspondence_email=person.email)
                for _old, event_id, person in rows
            )
            participations = Participation.objects.bulk_create(
                Participation(
                    registration_id=registration.pk,
                    event_id=event_id,
                    person_id=person.pk,
                    status="attended",
                )
                for registration, (_old, event_id, person) in zip(registrations, rows, strict=True)
            )
            created = {
                "accounts.Person": persons,
                "registrations.Registration": registrations,
                "registrations.Participation": participations,
            }
            if extras:
                created["documents.Certificate"] = common.certificates_create(
                    participations, issued
                )
                created["audit.AuditEntry"] = AuditEntry.objects.bulk_create(
                    AuditEntry(
                        actor_label="System",
                        action="person.create",
                        object_type="accounts.person",
                        object_id=str(person.pk),
                        object_label=person.username,
                    )
                    for person in persons
                )
            for label, objs in created.items():
                old_pks = [o.pk for o, (is_old, *_rest) in zip(objs, rows, strict=True) if is_old]
                if old_pks:
                    due_max[label] = max(due_max.get(label, 0), max(old_pks))
    # As autovacuum would soon after a bulk load: without statistics the planner takes every
    # table for empty and reads each chunk's candidates with a full scan.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    rows_total = sum(apps.get_model(label).objects.count() for label in TABLES)
    due = {
        label: apps.get_model(label).objects.filter(pk__lte=pk).count()
        for label, pk in due_max.items()
    }
    print(
        json.dumps(
            {
                "rows": rows_total,
                "due": due,
                "due_max": due_max,
                "create_seconds": time.monotonic() - started,
            }
        )
    )


def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _QueryTimer:
    """With ``--profile``: the database's time per kind of statement (numbers and quoted
    values left out), to tell which of the purge's queries the waiting is spent in."""

    def __init__(self):
        self.seconds: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):
        import re

        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160]
            self.seconds.setdefault(key, []).append(time.monotonic() - started)

    def report(self) -> str:
        rows = sorted(self.seconds.items(), key=lambda item: -sum(item[1]))
        return "\n".join(f"{sum(t):8.2f} s {len(t):6} x  {key}" for key, t in rows[:40])


def purge(batch_size: int, trace: bool, profile: str = "") -> None:
    common.django_setup()
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
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    timer = _QueryTimer()
    cpu = _cpu()
    started = time.monotonic()
    with connection.execute_wrapper(timer) if profile else contextlib.nullcontext():
        result = retention_purge(batch_size=batch_size)
    seconds = time.monotonic() - started
    cpu = _cpu() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{connection.vendor}")
        Path(f"{profile}.{connection.vendor}.sql.txt").write_text(timer.report())
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
                "cpu_seconds": cpu,
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


def baseline(batch_size: int, due_max: dict[str, int]) -> None:
    """The same rows deleted by plain SQL: no ORM, no checks, no logs."""
    common.django_setup()
    from django.apps import apps
    from django.db import connection

    started = time.monotonic()
    deleted = 0
    for label in TABLES:
        if label not in due_max:
            continue
        table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
        sql = (
            f"DELETE FROM {table} WHERE id IN "  # noqa: S608 - table names from the models
            f"(SELECT id FROM {table} WHERE id <= %s ORDER BY id LIMIT %s)"
        )
        while True:
            with connection.cursor() as cursor:  # autocommit: one transaction per batch
                cursor.execute(sql, [due_max[label], batch_size])
                if cursor.rowcount <= 0:
                    break
                deleted += cursor.rowcount
    print(json.dumps({"deleted": deleted, "seconds": time.monotonic() - started}))


def run_database(database_url: str | None, args) -> None:
    sizes = sorted({*args.scale, args.count})
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        env = common.child_env(folder)
        databases = common.Databases(database_url, folder, "retention")
        try:
            for size in sizes:
                seeded = databases.new(f"seed{size}")
                created = common.child(
                    __file__,
                    {**env, "DATABASE_URL": seeded},
                    "--child",
                    "create",
                    "--count",
                    str(size),
                    *(["--extras"] if args.extras else []),
                )
                measured = _best(
                    common.child(
                        __file__,
                        {**env, "DATABASE_URL": databases.new(f"purge{size}_{n}", f"seed{size}")},
                        "--child",
                        "purge",
                        "--batch-size",
                        str(args.batch_size),
                        *(["--tracemalloc"] if args.tracemalloc else []),
                        *(["--profile", f"{args.profile}.{size}"] if args.profile else []),
                    )
                    for n in range(args.repeat)
                )
                base = None
                if size == args.count:
                    base = _best(
                        common.child(
                            __file__,
                            {
                                **env,
                                "DATABASE_URL": databases.new(f"base{size}_{n}", f"seed{size}"),
                            },
                            "--child",
                            "baseline",
                            "--batch-size",
                            str(args.batch_size),
                            "--due-max",
                            json.dumps(created["due_max"]),
                        )
                        for n in range(args.repeat)
                    )
                results[size] = (created, measured, base)
                _report(size, created, measured, base)
        finally:
            databases.drop_all()
    small, large = min(args.scale), max(args.scale)
    vendor = results[small][1]["vendor"]
    cpu_small, cpu_large = results[small][1]["cpu_seconds"], results[large][1]["cpu_seconds"]
    print(
        f"{vendor}: CPU time {large:,} vs {small:,} participations: "
        f"{cpu_large:.1f} s / {cpu_small:.1f} s = {cpu_large / cpu_small:.1f}x "
        f"(target <= {large / small * 1.1:.0f}x); peak RSS "
        + ", ".join(f"{results[s][1]['rss_peak_mb']:.0f} MB" for s in sizes)
    )
    _created, measured, base = results[args.count]
    print(
        f"{vendor}: purge of {args.count:,} participations {measured['seconds']:.1f} s, "
        f"plain SQL DELETE of the same {base['deleted']:,} rows {base['seconds']:.1f} s: "
        f"ratio {measured['seconds'] / base['seconds']:.2f}x (target <= 3x)"
    )


def _best(runs) -> dict:
    """Of several runs on copies of the same data, the fastest; its CPU time is the least of
    all runs' (the machine's other work only ever adds to a figure), and ``spread`` says how
    far the runs' times lay apart."""
    runs = list(runs)
    best = dict(min(runs, key=lambda run: run["seconds"]))
    if "cpu_seconds" in best:
        best["cpu_seconds"] = min(run["cpu_seconds"] for run in runs)
    best["spread"] = [round(run["seconds"], 1) for run in runs]
    return best


def _report(size: int, created: dict, measured: dict, base: dict | None) -> None:
    due = sum(created["due"].values())
    print(
        f"{measured['vendor']:<10} {size:>7,} participations: rows {created['rows']:,} "
        f"(due {due:,}), created in {created['create_seconds']:.0f} s; "
        f"purge {measured['seconds']:.1f} s (runs {measured['spread']}), "
        f"CPU {measured['cpu_seconds']:.1f} s, "
        f"deleted {measured['deleted']:,}, peak RSS {measured['rss_peak_mb']:.0f} MB "
        f"(before {measured['rss_before_mb']:.0f} MB)"
        + (
            f", tracemalloc peak {measured['tracemalloc_peak_mb']:.1f} MB"
            if measured["tracemalloc_peak_mb"] is not None
            else ""
        )
        + f"; dry run {measured['dry_run_seconds']:.2f} s"
        + f"; second run deleted {measured['second_run_deleted']}"
        + f" in {measured['second_run_seconds']:.2f} s"
        + (f"; plain SQL DELETE {base['seconds']:.1f} s (runs {base['spread']})" if base else ""),
        flush=True,
    )
    print(f"           deleted per category: {measured['counts']}")
    print(f"           seconds per category: {measured['per_category']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--scale",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[5_000, 50_000],
        help="sizes whose CPU times are compared (comma-separated)",
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--repeat",
        type=lambda text: max(1, int(text)),
        default=3,
        help="runs per size on fresh copies (at least 1); the best counts",
    )
    parser.add_argument("--extras", action="store_true", help="a certificate and audit entry each")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--profile", default="", help="cProfile the purge into PROFILE.<size>.<vendor>"
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--child", choices=["create", "purge", "baseline"])
    parser.add_argument("--due-max", type=json.loads, default={})
    args = parser.parse_args()
    if args.child == "create":
        create(args.count, args.extras)
        return
    if args.child == "purge":
        purge(args.batch_size, args.tracemalloc, args.profile)
        return
    if args.child == "baseline":
        baseline(args.batch_size, args.due_max)
        return
    if not args.skip_sqlite:
        run_database(None, args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        run_database(url, args)


if __name__ == "__main__":
    main()
