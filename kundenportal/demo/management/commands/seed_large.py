"""A decade of a large provider's data, fast: ``python manage.py seed_large --persons N``.

For load tests and for trying the portal and the back office at size. Per person, about
10 participations over ten years (5 % of the events still ahead), half of them with a
certificate; 20 persons per company, events of 10–20 participants booked 1–4 at a time by
their company, two course documents for each event of the last 42 days and ahead. At
``--persons 200000``: about 10,000 companies, 125,000 events, 800,000 registrations,
2,000,000 participations and 1,000,000 certificates.

Rows go in with ``bulk_create`` in chunks of events, each chunk in its own transaction, with
a progress line per chunk. Usernames come from ``usernames_issue_many`` (the customer
import's path), so they follow the UsernameSeries rule like every other account. The files
behind course documents and certificates are a few small PDFs shared by many rows (a million
real files would only measure the disk), so do not run the retention purge on seeded data
and expect files of other rows to stay.

One extra participant with a long history (about 120 events, most with a certificate) gets
the username printed at the end and the password from ``--password`` (else a random one,
printed): the benchmark logs in as this person.
"""

import datetime as dt
import random
import secrets
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.accounts.usernames import usernames_issue_many
from kundenportal.companies.models import Company
from kundenportal.core.text import match_key
from kundenportal.documents.models import (
    VERIFICATION_ALPHABET,
    VERIFICATION_CODE_LENGTH,
    Certificate,
    CourseDocument,
)
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation, Registration

from .seed_demo import demo_pdf

NUMBER_PREFIX = "L-"
PERSONS_PER_COMPANY = 20
PARTICIPATIONS_PER_PERSON = 10
PARTICIPANTS_PER_EVENT = (10, 20)
YEARS = 10
AHEAD_DAYS = 180
EVENTS_PER_CHUNK = 2000
PERSONS_PER_CHUNK = 5000
LONG_HISTORY = ("Lena", "Langjährig")
LONG_HISTORY_EVENTS = 120

FIRST_NAMES = (
    "Anna",
    "Maria",
    "Jürgen",
    "Jörg",
    "Sören",
    "Käthe",
    "Max",
    "Erika",
    "Thomas",
    "Sabine",
    "Michael",
    "Petra",
    "Andreas",
    "Monika",
    "Stefan",
    "Ursula",
    "Frank",
    "Claudia",
    "Markus",
    "Birgit",
    "Uwe",
    "Heike",
    "Ralf",
    "Katrin",
    "Dirk",
    "Anja",
    "Jens",
    "Nicole",
    "Sven",
    "Tanja",
    "Björn",
    "Müge",
    "Łukasz",
    "Ayşe",
    "Dmitri",
    "Zoë",
    "Renée",
    "François",
    "Gülsen",
    "Ole",
    "Inés",
)
LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Größe",
    "Weiß",
    "Jäger",
    "Köhler",
    "Yıldız",
    "Kowalski",
    "Nowak",
    "von der Heide",
    "Özdemir",
    "Brückner",
    "Sauerländer",
    "Eßer",
)
COMPANY_KINDS = ("Stadtwerke", "Wasserverband", "Abwasserzweckverband", "Entsorgung", "Klärwerk")
CITIES = (
    "Wesel",
    "Essen",
    "Duisburg",
    "Bochum",
    "Dortmund",
    "Münster",
    "Köln",
    "Düsseldorf",
    "Heide",
    "Kiel",
    "Bremen",
    "Hannover",
    "Kassel",
    "Gießen",
    "Würzburg",
    "Regensburg",
    "Lübeck",
    "Görlitz",
)
TITLES = (
    "Fachkunde Abwasser",
    "Arbeitssicherheit auf Kläranlagen",
    "Kanalreinigung und -inspektion",
    "Trinkwasserhygiene nach TrinkwV",
    "Abfallbeauftragte: Grundkurs",
    "Gefährdungsbeurteilung im Kanalbetrieb",
    "Probenahme Abwasser",
    "Elektrofachkraft für festgelegte Tätigkeiten",
    "Digitales Kanalkataster",
    "Betrieb von Pumpwerken",
)


def _verification_codes(count: int) -> list[str]:
    # 32 symbols: the low five bits of each random byte pick one uniformly.
    raw = secrets.token_bytes(count * VERIFICATION_CODE_LENGTH)
    symbols = "".join(VERIFICATION_ALPHABET[b & 31] for b in raw)
    step = VERIFICATION_CODE_LENGTH
    return [symbols[i : i + step] for i in range(0, len(symbols), step)]


class Command(BaseCommand):
    help = "Fills the database with a decade of data for N persons (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--password", default="", help="password of the long-history participant"
        )

    def handle(self, *args, persons: int, seed: int, password: str, **options):
        if persons < PERSONS_PER_COMPANY:
            raise CommandError(f"--persons must be at least {PERSONS_PER_COMPANY}.")
        if Event.objects.filter(number__startswith=NUMBER_PREFIX).exists():
            raise CommandError("This database already holds seeded data (events L-…).")
        self.random = random.Random(seed)  # noqa: S311 - sample data, not secrets
        self.today = timezone.localdate()
        self.started = time.monotonic()
        self.counts = dict.fromkeys(
            (
                "companies",
                "persons",
                "events",
                "registrations",
                "participations",
                "certificates",
                "documents",
            ),
            0,
        )
        self._files()
        companies = self._companies(max(1, persons // PERSONS_PER_COMPANY))
        members = self._persons(persons, companies)
        long_history = self._long_history_person(companies[0], password or None)
        self._events_and_bookings(persons, companies, members, long_history)
        elapsed = time.monotonic() - self.started
        self.stdout.write(
            self.style.SUCCESS(
                "Done in {:.0f} s: {}".format(
                    elapsed, ", ".join(f"{v:,} {k}" for k, v in self.counts.items())
                )
            )
        )
        self.stdout.write(f"Long history: {long_history.username}")
        if not password:
            self.stdout.write(f"Password: {self.generated_password}")

    def _progress(self, what: str) -> None:
        elapsed = time.monotonic() - self.started
        rows = sum(self.counts.values())
        self.stdout.write(
            f"[{elapsed:6.0f} s] {what}: "
            + ", ".join(f"{v:,} {k}" for k, v in self.counts.items() if v)
            + f" ({rows / max(elapsed, 0.001):,.0f} rows/s)"
        )

    def _files(self) -> None:
        self.document_files = [
            default_storage.save(
                f"unterlagen/seed-{i}.pdf",
                ContentFile(demo_pdf("Veranstaltungsunterlage", f"Beispiel {i}")),
            )
            for i in range(3)
        ]
        self.certificate_file = default_storage.save(
            "bescheinigungen/seed.pdf", ContentFile(demo_pdf("Teilnahmebescheinigung"))
        )
        self.certificate_size = default_storage.size(self.certificate_file)
        self.document_size = default_storage.size(self.document_files[0])

    def _companies(self, count: int) -> list[Company]:
        rows = []
        for i in range(count):
            city = self.random.choice(CITIES)
            name = f"{self.random.choice(COMPANY_KINDS)} {city} {i + 1}"
            rows.append(
                Company(
                    name=name,
                    name_key=match_key(name),
                    street=f"Hauptstraße {i % 200 + 1}",
                    postal_code=f"{10000 + i % 89999:05d}",
                    city=city,
                )
            )
        with transaction.atomic():
            companies = Company.objects.bulk_create(rows, batch_size=2000)
        self.counts["companies"] = len(companies)
        self._progress("companies")
        return companies

    def _persons(self, count: int, companies: list[Company]) -> dict[int, list[int]]:
        """Person ids per company id."""
        members: dict[int, list[int]] = {c.pk: [] for c in companies}
        # One unusable password for all (Person rows need one; nobody logs in with it).
        unusable = make_password(None)
        joined_earliest = timezone.now() - dt.timedelta(days=365 * YEARS)
        for start in range(0, count, PERSONS_PER_CHUNK):
            chunk = []
            for i in range(start, min(count, start + PERSONS_PER_CHUNK)):
                company = companies[i % len(companies)]
                first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
                chunk.append(
                    Person(
                        first_name=first,
                        last_name=last,
                        name_key=match_key(f"{first} {last}"),  # save() is not called
                        email=f"p{i}@{company.name_key.replace(' ', '-')}.example" if i % 3 else "",
                        company=company,
                        street=company.street,
                        postal_code=company.postal_code,
                        city=company.city,
                        password=unusable,
                        date_joined=joined_earliest
                        + dt.timedelta(days=self.random.randrange(365 * YEARS)),
                    )
                )
            with transaction.atomic():
                names = [(p.first_name, p.last_name) for p in chunk]
                for person, username in zip(chunk, usernames_issue_many(names=names), strict=True):
                    person.username = username
                Person.objects.bulk_create(chunk, batch_size=2000)
            for person in chunk:
                members[person.company_id].append(person.pk)
            self.counts["persons"] += len(chunk)
            self._progress("persons")
        return members

    def _long_history_person(self, company: Company, password: str | None) -> Person:
        first, last = LONG_HISTORY
        with transaction.atomic():
            (username,) = usernames_issue_many(names=[LONG_HISTORY])
            person = Person(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                company=company,
                street=company.street,
                postal_code=company.postal_code,
                city=company.city,
            )
            if password is None:
                self.generated_password = password = "-".join(
                    secrets.token_urlsafe(6) for _ in range(3)
                )
            person.set_password(password)
            person.own_password_set_at = timezone.now()
            person.save()
        self.counts["persons"] += 1
        return person

    def _events_and_bookings(
        self, persons: int, companies: list[Company], members: dict[int, list[int]], long_history
    ) -> None:
        low, high = PARTICIPANTS_PER_EVENT
        total_events = max(1, persons * PARTICIPATIONS_PER_PERSON * 2 // (low + high))
        first = self.today - dt.timedelta(days=365 * YEARS)
        span = (365 * YEARS + AHEAD_DAYS) * 1.0
        stride = max(1, total_events // LONG_HISTORY_EVENTS)
        documents_from = self.today - dt.timedelta(days=42)
        company_ids = [c.pk for c in companies if members[c.pk]]
        company_by_id = {c.pk: c for c in companies}
        for chunk_start in range(0, total_events, EVENTS_PER_CHUNK):
            indexes = range(chunk_start, min(total_events, chunk_start + EVENTS_PER_CHUNK))
            events = []
            for i in indexes:
                day = first + dt.timedelta(days=int(i * span / total_events))
                length = self.random.choice((1, 1, 2, 3, 5))
                online = self.random.random() < 0.2
                events.append(
                    Event(
                        number=f"{NUMBER_PREFIX}{day:%y}{i:06d}",
                        title=f"{TITLES[i % len(TITLES)]} ({day:%Y})",
                        first_day=day,
                        last_day=day + dt.timedelta(days=length - 1),
                        format=Event.Format.ONLINE if online else Event.Format.PRESENCE,
                        place="" if online else self.random.choice(CITIES),
                        capacity=high,
                        price=Decimal(290 + 40 * (i % 10)),
                        status=Event.Status.CONFIRMED
                        if day <= self.today + dt.timedelta(days=14)
                        else Event.Status.PUBLISHED,
                    )
                )
            with transaction.atomic():
                Event.objects.bulk_create(events, batch_size=2000)
                bookings = []  # (registration, [participation, ...])
                for i, event in zip(indexes, events, strict=True):
                    bookings.extend(self._bookings(event, company_ids, company_by_id, members))
                    if i % stride == 0:
                        bookings.append(
                            self._booking(
                                event,
                                company_by_id[long_history.company_id],
                                [long_history.pk],
                                force_attended=True,
                            )
                        )
                Registration.objects.bulk_create([r for r, _ in bookings], batch_size=2000)
                participations = []
                for registration, rows in bookings:
                    for row in rows:
                        row.registration = registration
                        participations.append(row)
                Participation.objects.bulk_create(participations, batch_size=5000)
                certificates = self._certificates(participations)
                Certificate.objects.bulk_create(certificates, batch_size=5000)
                documents = [
                    CourseDocument(
                        event=event,
                        title=title,
                        file=self.document_files[n],
                        filename=f"{title}.pdf",
                        size=self.document_size,
                    )
                    for event in events
                    if event.last_day >= documents_from
                    for n, title in enumerate(("Skript", "Übungsaufgaben"))
                ]
                CourseDocument.objects.bulk_create(documents, batch_size=2000)
            self.counts["events"] += len(events)
            self.counts["registrations"] += len(bookings)
            self.counts["participations"] += len(participations)
            self.counts["certificates"] += len(certificates)
            self.counts["documents"] += len(documents)
            self._progress("events and bookings")

    def _bookings(self, event, company_ids, company_by_id, members):
        """Registrations of 1–4 colleagues each until the event has 10–20 participants."""
        low, high = PARTICIPANTS_PER_EVENT
        wanted = self.random.randint(low, high)
        booked: set[int] = set()
        result = []
        while len(booked) < wanted:
            company_id = self.random.choice(company_ids)
            colleagues = members[company_id]
            size = min(
                self.random.choice((1, 1, 1, 2, 2, 3, 4)), len(colleagues), wanted - len(booked)
            )
            chosen = [p for p in self.random.sample(colleagues, size) if p not in booked]
            if not chosen:
                continue
            booked.update(chosen)
            result.append(self._booking(event, company_by_id[company_id], chosen))
        return result

    def _booking(self, event, company, person_ids, *, force_attended=False):
        registration = Registration(
            event=event,
            correspondence_email=f"weiterbildung@{company.name_key.replace(' ', '-')}.example",
            company_name=company.name,
            street=company.street,
            postal_code=company.postal_code,
            city=company.city,
            consent_at=timezone.now(),
        )
        past = event.last_day < self.today
        rows = []
        for person_id in person_ids:
            roll = self.random.random()
            if past:
                if force_attended or roll < 0.85:
                    status = Participation.Status.ATTENDED
                elif roll < 0.95:
                    status = Participation.Status.CONFIRMED  # did not come
                else:
                    status = Participation.Status.CANCELLED
            else:
                status = (
                    Participation.Status.CONFIRMED
                    if event.status == Event.Status.CONFIRMED
                    else Participation.Status.REGISTERED
                )
            rows.append(
                Participation(event=event, person_id=person_id, company=company, status=status)
            )
        return registration, rows

    def _certificates(self, participations: list[Participation]) -> list[Certificate]:
        attended = [
            p
            for p in participations
            if p.status == Participation.Status.ATTENDED and self.random.random() < 0.6
        ]
        codes = _verification_codes(len(attended))
        return [
            Certificate(
                participation=p,
                issued_on=p.event.last_day + dt.timedelta(days=1),
                file=self.certificate_file,
                filename=f"Teilnahmebescheinigung {p.event.number}.pdf",
                size=self.certificate_size,
                verification_code=code,
            )
            for p, code in zip(attended, codes, strict=True)
        ]
