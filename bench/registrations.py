"""Benchmark: registrations per second (5 participants each) and the 1,000th account of a name.

    python bench/registrations.py            # SQLite, and PostgreSQL when DATABASE_URL says so
    python bench/registrations.py --count 500

Runs each database in a child process against a throw-away database (Django's test database
machinery: a temporary SQLite file, or ``test_<name>`` on the PostgreSQL server), so no data
of yours is touched. Not part of the test suite.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST = ["Max", "Jürgen", "Anna Maria", "Özlem", "Björn", "Käthe", "Łukasz", "Zoë", "Sören", "Ana"]
LAST = ["Mustermann", "Größe", "von der Heide", "Yıldız", "Schäfer", "Müller", "Nowak", "Weiß"]


def run_child(count: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    import django

    django.setup()
    from django.db import connection

    with tempfile.TemporaryDirectory() as folder:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            _measure(count)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _measure(count: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from kundenportal.accounts.services import person_create
    from kundenportal.events.models import Event
    from kundenportal.registrations.services.booking import registration_submit
    from kundenportal.registrations.services.resolution import AddressData, ParticipantData

    label = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    today = timezone.localdate()
    events = [
        Event.objects.create(
            number=f"B-{i}",
            title=f"Benchmark {i}",
            first_day=today + dt.timedelta(days=30 + i),
            last_day=today + dt.timedelta(days=31 + i),
            capacity=10_000,
            price=Decimal("100"),
        )
        for i in range(10)
    ]
    # Warm-up (imports, first queries) outside the measurement.
    registration_submit(
        event=events[0],
        participants=[ParticipantData(first_name="Warm", last_name="Up")],
        correspondence_email="bench@example.org",
        address=AddressData(
            company_name="Warmup GmbH", street="A 1", postal_code="45127", city="Essen"
        ),
        consent=True,
        submission_token=uuid.uuid4(),
    )

    durations = []
    started = time.perf_counter()
    for i in range(count):
        participants = [
            ParticipantData(
                first_name=FIRST[(i + k) % len(FIRST)], last_name=f"{LAST[(i * 5 + k) % len(LAST)]}"
            )
            for k in range(5)
        ]
        t0 = time.perf_counter()
        registration_submit(
            event=events[i % len(events)],
            participants=participants,
            correspondence_email=f"personal{i}@example.org",
            # Every registration from another company: all 5 participants get new accounts.
            address=AddressData(
                company_name=f"Stadtwerke Nummer {i} GmbH",
                street=f"Hauptstraße {i}",
                postal_code="45127",
                city="Essen",
            ),
            remarks="" if i % 10 else "Firmenwechsel",
            consent=True,
            submission_token=uuid.uuid4(),
        )
        durations.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    print(f"[{label}]")
    print(
        f"  registrations with 5 participants: {count} in {total:.2f} s → "
        f"{count / total:.1f} registrations/s ({5 * count / total:.0f} participants/s); "
        f"median {statistics.median(durations) * 1000:.1f} ms, "
        f"p95 {sorted(durations)[int(len(durations) * 0.95)] * 1000:.1f} ms"
    )

    times = []
    for _ in range(1000):
        t0 = time.perf_counter()
        person = person_create(first_name="Erika", last_name="Benchmann")
        times.append(time.perf_counter() - t0)
    assert person.username == "erika.benchmann999", person.username
    print(
        f"  accounts of the same name: 1st {times[0] * 1000:.2f} ms, "
        f"median of 2nd–999th {statistics.median(times[1:999]) * 1000:.2f} ms, "
        f"1,000th ({person.username}) {times[999] * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="registrations per database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.count)
        return
    runs = [("SQLite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        runs.append(("PostgreSQL", dict(os.environ)))
    else:
        print("(PostgreSQL skipped: set DATABASE_URL=postgres://... to measure it too)")
    for name, env in runs:
        print(f"--- {name} ---", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--child", "--count", str(args.count)],
            env=env,
            check=True,
            cwd=ROOT,
        )


if __name__ == "__main__":
    main()
