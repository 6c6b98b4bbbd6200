"""Benchmark: confirm an event with N participants, then send the mails to a local SMTP server.

    .venv/bin/python bench/confirmation.py [--participants 500] [--bookers 50]

Uses a throw-away SQLite database in a temp folder, or the database in DATABASE_URL (it then
migrates it and leaves its rows there, tagged by event number BENCH-<time>). Prints the time to
enqueue (event_confirm) and the send rate through Django's SMTP backend to aiosmtpd. Every mail
of a person without an own password carries a fresh initial password, so the send rate
includes one Argon2 hash per mail — by design: the hash is made at send time.
"""

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument(
        "--bookers", type=int, default=50, help="registrations (correspondence addresses)"
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("VAR_DIR", tmp)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from kundenportal.accounts.models import Person
    from kundenportal.confirmations.services import event_confirm
    from kundenportal.events.models import Event
    from kundenportal.notifications.delivery import outbox_process
    from kundenportal.registrations.models import Participation, Registration
    from tests.smtp_server import SMTPServer

    call_command("migrate", verbosity=0)
    server = SMTPServer().start()
    for key, value in server.django_settings().items():
        setattr(settings, key, value)

    tag = f"BENCH-{int(time.time())}"
    today = timezone.localdate()
    event = Event.objects.create(
        number=tag,
        title="Benchmark: Fachkunde Trinkwasserhygiene",
        first_day=today + timezone.timedelta(days=20),
        last_day=today + timezone.timedelta(days=21),
        place="Essen, BEW-Zentrum",
        capacity=args.participants,
        price=Decimal("500.00"),
    )
    persons = Person.objects.bulk_create(
        [
            Person(
                username=f"{tag.lower()}.teilnehmer{i}",
                first_name="Jürgen",
                last_name=f"Größe{i}",
                password=make_password(None),  # unusable, like a new participant
            )
            for i in range(args.participants)
        ]
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(event=event, correspondence_email=f"personal{b}@firma.example")
            for b in range(args.bookers)
        ]
    )
    Participation.objects.bulk_create(
        [
            Participation(registration=registrations[i % args.bookers], event=event, person=person)
            for i, person in enumerate(persons)
        ]
    )

    print(f"database:            {connection.vendor}")
    print(f"participants:        {args.participants} ({args.bookers} registrations)")

    def run(label: str, target) -> None:
        before = len(server.received)
        started = time.perf_counter()
        result = event_confirm(event=target, actor=None)
        enqueue_seconds = time.perf_counter() - started
        started = time.perf_counter()
        stats = outbox_process()
        send_seconds = time.perf_counter() - started
        assert result.mails == args.participants, result
        assert stats.sent == args.participants == len(server.received) - before
        print(label)
        print(
            f"  enqueue (confirm): {enqueue_seconds * 1000:.0f} ms "
            f"({args.participants / enqueue_seconds:.0f} mails/s)"
        )
        print(
            f"  send to SMTP:      {send_seconds:.1f} s ({stats.sent / send_seconds:.1f} mails/s)"
        )

    run("new participants (each mail: a fresh initial password, one Argon2 hash):", event)

    # The same people at a second event, now with own passwords: the mail carries the hint,
    # no hash is made, so this is the rate of rendering and SMTP alone.
    Person.objects.filter(pk__in=[p.pk for p in persons]).update(own_password_set_at=timezone.now())
    second = Event.objects.create(
        number=f"{tag}-2",
        title=event.title,
        first_day=event.first_day,
        last_day=event.last_day,
        place=event.place,
        capacity=event.capacity,
        price=event.price,
    )
    second_registrations = Registration.objects.bulk_create(
        [
            Registration(event=second, correspondence_email=r.correspondence_email)
            for r in registrations
        ]
    )
    Participation.objects.bulk_create(
        [
            Participation(
                registration=second_registrations[i % args.bookers], event=second, person=person
            )
            for i, person in enumerate(persons)
        ]
    )
    run("participants with own password (hint only, no hash):", second)
    server.stop()


if __name__ == "__main__":
    main()
