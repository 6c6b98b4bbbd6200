"""Benchmark: the daily Fachkunde reminder job over many certificates.

    python bench/qualifications.py                          # SQLite, and PostgreSQL when DATABASE_URL says so
    python bench/qualifications.py --certificates 1000000 --skip-sqlite
    python bench/qualifications.py --explain                # print PostgreSQL's plan of the candidate query

``--certificates`` certificates of two qualifications (24 and 36 months; default 100,000),
five per person (a chain of courses over ten years, one course a day per qualification), of
which ``--due`` persons (default 2,000) have their latest course so that the qualification
ends within a lead time (half at 120 days, half at 30). Every other person's latest course
ends outside the reminder windows: the job must not read them. Data are created in one child
process; the job runs in a fresh one (its peak RSS is the job's alone), twice: the first run
queues the due reminders, the second (as every following day) finds nothing new. Each
database is a throw-away one (a temporary SQLite file, or ``bench_qualifications_<name>_bench``).
Not part of the test suite.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

PER_PERSON = 5


def create(certificates: int, due: int) -> None:
    common.django_setup()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from kundenportal.accounts.models import Person
    from kundenportal.documents.models import Certificate
    from kundenportal.events.models import Event, Qualification
    from kundenportal.qualifications.rules import (
        last_days_for_valid_until,
        qualification_valid_until,
    )
    from kundenportal.registrations.models import Participation, Registration

    rng = random.Random(42)
    started = time.monotonic()
    today = timezone.localdate()
    qualifications = [
        Qualification.objects.create(name="Fachkunde Abfallbeauftragte", refresh_months=24),
        Qualification.objects.create(name="Fachkunde Sammler und Beförderer", refresh_months=36),
    ]
    # One course a day per qualification over ten years (and a year ahead), one booking each.
    first = today - dt.timedelta(days=3650)
    days = [first + dt.timedelta(days=i) for i in range(3650 + 365)]
    events = {}
    for q in qualifications:
        made = Event.objects.bulk_create(
            (
                Event(
                    number=f"Q{q.pk}-{i}",
                    title=f"{q.name} {i}",
                    first_day=day,
                    last_day=day,
                    capacity=100_000,
                    price=Decimal("100"),
                    status="confirmed" if day <= today else "published",
                    qualification=q,
                    qualification_role="grants" if i % 10 == 0 else "refreshes",
                )
                for i, day in enumerate(days)
            ),
            batch_size=5000,
        )
        events[q.pk] = {event.last_day: event for event in made}
    registrations = {
        event.pk: r.pk
        for event, r in (
            (r.event, r)
            for r in Registration.objects.bulk_create(
                (
                    Registration(event=event, correspondence_email="firma@example.org")
                    for by_day in events.values()
                    for event in by_day.values()
                ),
                batch_size=5000,
            )
        )
    }

    last_day = {e.pk: d for by_day in events.values() for d, e in by_day.items()}

    def window(q, lead_from, lead_to):
        return last_days_for_valid_until(
            first=today + dt.timedelta(days=lead_from),
            last=today + dt.timedelta(days=lead_to),
            refresh_months=q.refresh_months,
        )

    # Persons are added until there are enough certificates (a chain older than ten years
    # is cut short), and at least the due ones.
    made_total = 0
    start = 0
    chunk = 5000
    while made_total < certificates or start < due:
        n = chunk
        people = common.people_create("fk", start, n)
        participations = []
        for i, person in enumerate(people):
            index = start + i
            q = qualifications[index % 2]
            if index < due:
                lo, hi = window(q, 0, 30) if index % 2 else window(q, 31, 120)
                latest = lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))
            else:
                # Anywhere in the last ten years except where a reminder could be due.
                lo, hi = window(q, -1, 121)
                while True:
                    latest = first + dt.timedelta(days=rng.randrange(3650))
                    if not lo <= latest <= hi:
                        break
            chain = [
                latest - dt.timedelta(days=q.refresh_months * 30 * k) for k in range(PER_PERSON)
            ]
            for day in chain:
                if day < first:
                    # Ten years back at most (older certificates are gone by retention).
                    continue
                event = events[q.pk][day]
                participations.append(
                    Participation(
                        registration_id=registrations[event.pk],
                        event_id=event.pk,
                        person_id=person.pk,
                        status="attended",
                    )
                )
        made = Participation.objects.bulk_create(participations, batch_size=chunk)
        common.certificates_create(made, last_day, batch_size=chunk)
        made_total += len(made)
        start += n
        print(f"certificates {made_total:,} of {certificates:,}", file=sys.stderr, flush=True)
    assert qualification_valid_until  # the rule the windows above invert
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        json.dumps(
            {
                "certificates": Certificate.objects.count(),
                "persons": Person.objects.count(),
                "events": Event.objects.count(),
                "create_seconds": time.monotonic() - started,
            }
        )
    )


def run_job(explain: bool) -> None:
    common.django_setup()
    import resource

    from django.db import connection
    from django.utils import timezone

    from kundenportal.events.models import Qualification
    from kundenportal.qualifications.services import _windows, qualification_reminders_send

    plan = ""
    if explain and connection.vendor == "postgresql":
        from kundenportal.qualifications.selectors import reminder_candidates

        q = Qualification.objects.order_by("pk").first()
        lead, first, last = _windows(timezone.localdate())[0]
        query = (
            reminder_candidates(
                qualification_id=q.pk,
                refresh_months=q.refresh_months,
                first=first,
                last=last,
                lead_days=lead,
                today=timezone.localdate(),
            )
            .order_by()
            .values("pk", "person_id", "person__email", "event__last_day")
        )
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    first_run = qualification_reminders_send()
    first_seconds = time.monotonic() - started
    rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    second_run = qualification_reminders_send()
    second_seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "queued": first_run.queued,
                "seconds": first_seconds,
                "second_queued": second_run.queued,
                "second_seconds": second_seconds,
                "rss_before_mb": rss_before / 1024,
                "rss_peak_mb": rss_first / 1024,
                "plan": plan,
            }
        )
    )


def run_database(database_url: str | None, args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        databases = common.Databases(database_url, folder, "qualifications")
        env = {**common.child_env(folder), "DATABASE_URL": databases.new("bench")}
        try:
            created = common.child(
                __file__,
                env,
                "--child",
                "create",
                "--certificates",
                str(args.certificates),
                "--due",
                str(args.due),
            )
            measured = common.child(
                __file__, env, "--child", "job", *(["--explain"] if args.explain else [])
            )
        finally:
            databases.drop_all()
    print(
        f"{measured['vendor']:<10} certificates {created['certificates']:>9,}  "
        f"persons {created['persons']:,}  created in {created['create_seconds']:.0f} s  "
        f"job {measured['seconds']:.2f} s (queued {measured['queued']:,})  "
        f"next day {measured['second_seconds']:.2f} s (queued {measured['second_queued']})  "
        f"peak RSS {measured['rss_peak_mb']:.0f} MB (before {measured['rss_before_mb']:.0f} MB)"
    )
    if measured["plan"]:
        print(measured["plan"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--child", choices=["create", "job"])
    args = parser.parse_args()
    if args.child == "create":
        create(args.certificates, args.due)
        return
    if args.child == "job":
        run_job(args.explain)
        return
    if not args.skip_sqlite:
        run_database(None, args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        run_database(url, args)


if __name__ == "__main__":
    main()
