"""Benchmark: bookings through the API against the same bookings through the form's service,
and an event sync with ``updated_since``.

    .venv/bin/python bench/api.py [--bookings 200] [--rounds 4] [--events 5000]

Uses a throw-away SQLite database in a temp folder, or the database in DATABASE_URL (it then
migrates it and leaves its rows there, tagged BENCH-<time>). Bookings (one new participant
each, so each creates an account) alternate in rounds between ``registration_submit`` called
directly and ``POST /api/v1/events/{number}/registrations`` through Django's whole stack
(middleware, bearer token, rate-limit counter, the form's checks, JSON in and out), so drift of
the machine hits both alike. Prints bookings/s of each and the API's overhead (target ≤ 20 %),
then events/s for a sync of ``--events`` events page by page with ``updated_since``.
"""

import argparse
import json
import os
import random
import string
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _name(rng: random.Random) -> str:
    return rng.choice(string.ascii_uppercase) + "".join(
        rng.choice(string.ascii_lowercase) for _ in range(9)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200, help="per path, all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--page", type=int, default=500)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("VAR_DIR", tmp)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kundenportal.accounts.models import Person
    from kundenportal.api.booking import booking_clean
    from kundenportal.api.schemas import RegistrationIn
    from kundenportal.events.models import Event
    from kundenportal.integrations.models import Scope
    from kundenportal.integrations.services import integration_create
    from kundenportal.registrations.services.booking import registration_submit
    from kundenportal.registrations.services.resolution import AddressData, ParticipantData

    call_command("migrate", verbosity=0)
    tag = f"BENCH-{int(time.time())}"
    rng = random.Random(20301)
    staff = Person.objects.create(username=f"{tag.lower()}.staff", is_staff=True)
    _integration, token = integration_create(
        name=tag, scopes=list(Scope.values), actor=staff, rate_limit=10**9
    )
    first = timezone.localdate() + timezone.timedelta(days=30)
    event = Event.objects.create(
        number=f"{tag}-E",
        title="Fachkunde Abwasser",
        first_day=first,
        last_day=first,
        capacity=10**6,
        price=Decimal("490.00"),
    )
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")

    def booking(company: str):
        return {
            "participants": [{"first_name": _name(rng), "last_name": _name(rng)}],
            "correspondence_email": "personal@firma.example",
            "address": {
                "company_name": company,
                "street": "Hauptstraße 1",
                "postal_code": "45128",
                "city": "Essen",
            },
            "consent": True,
        }

    def via_service(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            body = booking("Firma Service GmbH")
            registration_submit(
                event=event,
                participants=[ParticipantData(**p) for p in body["participants"]],
                correspondence_email=body["correspondence_email"],
                address=AddressData(**body["address"]),
                consent=True,
                submission_token=uuid.uuid4(),
            )
        return time.perf_counter() - start

    def via_form_checks_and_service(n: int) -> float:
        # What the booking form's view does besides the page: its form classes, then the
        # service (the API runs the same form classes before the same service).
        start = time.perf_counter()
        for _ in range(n):
            checked = booking_clean(RegistrationIn(**booking("Firma Formular GmbH")).dict())
            registration_submit(
                event=event,
                participants=checked.participants,
                correspondence_email=checked.correspondence_email,
                address=checked.address,
                consent=True,
                submission_token=uuid.uuid4(),
            )
        return time.perf_counter() - start

    def via_api(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            response = client.post(
                f"/api/v1/events/{event.number}/registrations",
                data=json.dumps(booking("Firma API GmbH")),
                content_type="application/json",
            )
            if response.status_code != 201:
                raise SystemExit(f"API answered {response.status_code}: {response.content!r}")
        return time.perf_counter() - start

    # Warm-up (imports, first queries, the companies) outside the measurement.
    via_service(5)
    via_form_checks_and_service(5)
    via_api(5)
    per_round = max(args.bookings // args.rounds, 1)
    service_time = form_time = api_time = 0.0
    for _ in range(args.rounds):
        service_time += via_service(per_round)
        form_time += via_form_checks_and_service(per_round)
        api_time += via_api(per_round)
    total = per_round * args.rounds
    print(f"database: {connection.vendor}, cache shared: {settings.CACHE_IS_SHARED}")
    for label, elapsed in (
        ("the service (registration_submit)", service_time),
        ("the form's checks + the service", form_time),
        ("the API (whole Django stack)", api_time),
    ):
        print(f"bookings through {label:36s} {total / elapsed:7.1f}/s ({total} bookings)")
    print(
        f"API overhead over the service: {(api_time - service_time) / service_time * 100:+.1f} %, "
        f"over the form's checks + service: {(api_time - form_time) / form_time * 100:+.1f} % "
        "(target ≤ 20 %)"
    )

    # Sync: events changed since a moment, page by page with the cursor.
    since = timezone.now()
    Event.objects.bulk_create(
        [
            Event(
                number=f"{tag}-S{i:05d}",
                title=f"Seminar {i}",
                first_day=first,
                last_day=first,
                capacity=20,
                price=Decimal("100.00"),
            )
            for i in range(args.events)
        ],
        batch_size=1000,
    )
    start = time.perf_counter()
    seen, cursor = 0, None
    while True:
        params = {"updated_since": since.isoformat(), "limit": args.page}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/events", params).json()
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    elapsed = time.perf_counter() - start
    print(
        f"sync of {seen} events with updated_since, {args.page} per page: "
        f"{elapsed:.2f} s, {seen / elapsed:,.0f} events/s"
    )
    if seen < args.events:
        raise SystemExit(f"sync saw {seen} of {args.events} events")


if __name__ == "__main__":
    main()
