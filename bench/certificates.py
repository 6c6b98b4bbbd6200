"""Benchmark: generate the certificates of an event with N attendees.

    .venv/bin/python bench/certificates.py [--attendees 200]

Uses a throw-away SQLite database and media folder in a temp folder, or the database in
DATABASE_URL (it then migrates it and leaves its rows there, tagged by event number
BENCH-CERT-<time>; the PDFs go to the temp folder either way). Prints the time of the PDF
drawing alone and of ``certificates_generate`` (PDF + storage + rows + outbox + audit),
in seconds per PDF, and the size of one PDF.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kp-bench-cert-")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("VAR_DIR", tmp)
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from kundenportal.accounts.models import Person
    from kundenportal.documents.models import Certificate
    from kundenportal.documents.pdf import CertificateContent, certificate_pdf
    from kundenportal.documents.services import certificates_generate
    from kundenportal.events.models import Event
    from kundenportal.registrations.models import Participation, Registration

    call_command("migrate", verbosity=0)
    tag = f"BENCH-CERT-{int(time.time())}"
    today = timezone.localdate()
    event = Event.objects.create(
        number=tag,
        title="Abwassermeister-Vorbereitung, Modul 3: Verfahrenstechnik und Betrieb",
        first_day=today - timezone.timedelta(days=3),
        last_day=today - timezone.timedelta(days=1),
        place="Essen, BEW-Zentrum",
        capacity=args.attendees,
        price=Decimal("1290.00"),
        status=Event.Status.CONFIRMED,
    )
    registration = Registration.objects.create(event=event, correspondence_email="b@example.org")
    persons = Person.objects.bulk_create(
        Person(
            username=f"{tag.lower()}.{i}",
            first_name="Jürgen",
            last_name=f"Größe-Weiß {i}",
            email=f"p{i}@example.org",
        )
        for i in range(args.attendees)
    )
    Participation.objects.bulk_create(
        Participation(registration=registration, event=event, person=p, status="attended")
        for p in persons
    )

    # The drawing alone, 50 times.
    content = CertificateContent(
        provider_long_name="BEW – Das Bildungszentrum für die Ver- und Entsorgung",
        provider_address="Wimberstraße 1 · 46485 Wesel",
        provider_contact="+49 281 98 400-0 · kundenportal@bew.example",
        participant_name="Herr Dr. Jürgen Größe-Weiß",
        event_number=tag,
        event_title=event.title,
        event_dates="vom 01.12.2026 bis 03.12.2026",
        event_place=event.place,
        duration_days=3,
        issue_place="Wesel",
        issued_on="04.12.2026",
        verification_code="ABCDEFGHJKLMNPQRSTUVWXYZ",
        verification_url="https://portal.bew.example/bescheinigung/pruefen/ABCDEFGHJKLMNPQRSTUVWXYZ/",
    )
    certificate_pdf(content)  # fonts load once
    draw = []
    for _ in range(50):
        start = time.perf_counter()
        pdf = certificate_pdf(content)
        draw.append(time.perf_counter() - start)

    start = time.perf_counter()
    result = certificates_generate(event=event, actor=None)
    total = time.perf_counter() - start
    assert result.created == args.attendees, result
    assert Certificate.objects.filter(participation__event=event).count() == args.attendees

    print(f"database: {connection.vendor}; attendees: {args.attendees}")
    print(f"PDF drawing alone: median {statistics.median(draw) * 1000:.1f} ms, {len(pdf)} bytes")
    print(
        f"certificates_generate: {total:.2f} s for {result.created} certificates = "
        f"{total / result.created:.4f} s per PDF ({result.created / total:.0f} PDFs/s)"
    )
    again = time.perf_counter()
    certificates_generate(event=event, actor=None)
    print(f"second run (nothing to do): {time.perf_counter() - again:.3f} s")


if __name__ == "__main__":
    main()
