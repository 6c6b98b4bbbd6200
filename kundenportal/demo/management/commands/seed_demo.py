"""Demo data for `make run`: companies of the water and waste industry, participants,
past and upcoming events (one online), registrations and participations.

Idempotent: a second run adds nothing; it only prints fresh passwords for the demo logins.
Dates are relative to today, so "past" and "upcoming" stay true on any day.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kundenportal.accounts.addresses import address_bind
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.accounts.services import person_create
from kundenportal.backoffice.roles import AUSWERTUNG, MARKETING, SEMINARVERWALTUNG
from kundenportal.companies.models import Company
from kundenportal.core.text import match_key
from kundenportal.events.models import Event, Qualification
from kundenportal.integrations.models import Integration, Scope
from kundenportal.integrations.services import integration_create, integration_token_rotate
from kundenportal.qualifications.services import qualification_reminders_send
from kundenportal.registrations.models import Participation, Registration
from kundenportal.staffauth.services import second_factor_demo_setup

COMPANIES = [
    ("Stadtwerke Görlitz Wasser GmbH", "Demianiplatz 23", "02826", "Görlitz", "03581 33500"),
    ("Abwasserverband Lüneburger Heide", "Am Klärwerk 4", "21339", "Lüneburg", "04131 72210"),
    (
        "Entsorgungsbetriebe Mönchengladbach AöR",
        "Rheinstraße 112",
        "41065",
        "Mönchengladbach",
        "02161 49100",
    ),
    ("Wasserverband Süderdithmarschen", "Schülper Straße 9", "25746", "Heide", "0481 68930"),
    (
        "Kommunale Abfallwirtschaft Würzburg GmbH",
        "Äußere Aumühlstraße 5",
        "97076",
        "Würzburg",
        "0931 37440",
    ),
]

# (first, last, salutation, title, company index or None, e-mail)
PERSONS = [
    ("Jürgen", "Größe", "herr", "", 0, "juergen.groesse@stadtwerke-goerlitz.example"),
    ("Anna Maria", "von der Heide", "frau", "Dr.", 1, "a.vonderheide@av-lueneburger-heide.example"),
    ("Björn", "Schäfer", "herr", "", 2, "bjoern.schaefer@eb-mg.example"),
    ("Özlem", "Yıldız", "frau", "", 2, "oezlem.yildiz@eb-mg.example"),
    ("Max", "Mustermann", "herr", "", 3, "max.mustermann@wv-sued.example"),
    ("Max", "Mustermann", "herr", "", 4, ""),
    ("Käthe", "Müller", "frau", "", 4, "k.mueller@kaw-wuerzburg.example"),
    ("Sören", "Weiß", "herr", "Dipl.-Ing.", 0, ""),
]

# (number, title, first-day offset from today, days, format, place, capacity, price, status)
EVENTS = [
    (
        "W-2301",
        "Abwassermeister-Vorbereitung, Modul 3: Verfahrenstechnik",
        -700,
        3,
        "presence",
        "Essen, BEW-Zentrum",
        16,
        "1290.00",
        "confirmed",
    ),
    (
        "T-2411",
        "Sachkunde Trinkwasserhygiene nach § 17 TrinkwV",
        -380,
        2,
        "presence",
        "Duisburg, BEW-Zentrum",
        20,
        "740.00",
        "confirmed",
    ),
    (
        "K-2609",
        "Fachkunde Kanalreinigung und -inspektion",
        -20,
        3,
        "presence",
        "Essen, BEW-Zentrum",
        18,
        "980.00",
        "confirmed",
    ),
    (
        "A-2701",
        "Betriebsbeauftragte/r für Abfall – Grundlehrgang",
        14,
        4,
        "presence",
        "Essen, BEW-Zentrum",
        24,
        "1150.00",
        "confirmed",
    ),
    (
        "S-2702",
        "Arbeitssicherheit auf Kläranlagen",
        30,
        2,
        "presence",
        "Dortmund, Tagungshotel am Phoenixsee",
        20,
        "690.00",
        "published",
    ),
    (
        "O-2703",
        "Online-Seminar: Die neue Trinkwasserverordnung in der Praxis",
        21,
        1,
        "online",
        "",
        60,
        "290.00",
        "published",
    ),
    (
        "P-2704",
        "Probenahme von Abwasser nach DIN 38402-11",
        45,
        2,
        "presence",
        "Wesel, BEW-Zentrum",
        2,
        "620.00",
        "published",
    ),
    (
        "G-2705",
        "Gefährdungsbeurteilung im Kanalbetrieb",
        60,
        1,
        "presence",
        "Duisburg, BEW-Zentrum",
        16,
        "410.00",
        "published",
    ),
    (
        "E-2706",
        "Elektrofachkraft für festgelegte Tätigkeiten in der Wasserversorgung",
        75,
        5,
        "presence",
        "Essen, BEW-Zentrum",
        12,
        "1680.00",
        "published",
    ),
]

DEMO_INTEGRATION = "Seminarverwaltung (Demo)"

# Fachkunden (name, legal basis, refresh months) and the courses that grant (G) or refresh (F)
# them. The demo participant's: Entsorgungsfachbetriebe lapses within 120 days (so the worker
# mails the reminder), Trinkwasserhygiene has lapsed; both have a bookable refresher.
QUALIFICATIONS = [
    ("Fachkunde Betriebsbeauftragte/r für Abfall", "§ 9 AbfBeauftrV", 24, {"A-2701": "grants"}),
    (
        "Fachkunde Entsorgungsfachbetriebe",
        "§ 9 EfbV",
        24,
        {"F-2509": "refreshes", "F-2711": "refreshes"},
    ),
    (
        "Sachkunde Trinkwasserhygiene",
        "VDI/DVGW 6023",
        12,
        {"T-2411": "grants", "T-2712": "refreshes"},
    ),
]
QUALIFICATION_EVENTS = [
    (
        "F-2509",
        "Fortbildung für Entsorgungsfachbetriebe nach § 9 EfbV",
        -640,
        2,
        "presence",
        "Essen, BEW-Zentrum",
        24,
        "590.00",
        "confirmed",
    ),
    (
        "F-2711",
        "Fortbildung für Entsorgungsfachbetriebe nach § 9 EfbV",
        40,
        2,
        "presence",
        "Essen, BEW-Zentrum",
        24,
        "590.00",
        "published",
    ),
    (
        "T-2712",
        "Sachkunde Trinkwasserhygiene – Auffrischung",
        55,
        1,
        "presence",
        "Duisburg, BEW-Zentrum",
        20,
        "390.00",
        "published",
    ),
]

# (event number, person indexes, participation status)
PARTICIPATIONS = [
    ("F-2509", [0, 2], "attended"),
    ("W-2301", [0, 7], "attended"),
    ("T-2411", [0, 1, 6], "attended"),
    ("K-2609", [0, 2, 3], "attended"),
    ("A-2701", [0, 4], "confirmed"),
    ("O-2703", [0, 1], "registered"),
    ("S-2702", [2, 3, 6], "registered"),
    ("P-2704", [4, 5], "registered"),
]

STAFF_USERNAME = "verwaltung"
# One staff login per role (backoffice/roles.py): username, group, first and last name.
ROLE_STAFF = [
    ("marketing", MARKETING, "Mara", "Keting"),
    ("seminarverwaltung", SEMINARVERWALTUNG, "Semira", "Nar"),
    ("auswertung", AUSWERTUNG, "Aurel", "Wertung"),
]
DEMO_PARTICIPANT = 0


class Command(BaseCommand):
    help = "Loads demo data (idempotent) and prints the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        companies = [self._company(*row) for row in COMPANIES]
        persons = [self._person(row, companies) for row in PERSONS]
        events = {row[0]: self._event(row, today) for row in (*EVENTS, *QUALIFICATION_EVENTS)}
        self._qualifications(events)
        for number, indexes, status in PARTICIPATIONS:
            self._participations(events[number], [persons[i] for i in indexes], status)
        seed_backoffice_certificates(events)
        seed_portal_documents(self, events, persons)
        # The daily job's reminders (the demo participant's Fachkunde lapses within 120
        # days): the worker of `make run` writes them into var/mail/. Idempotent.
        qualification_reminders_send()

        # --- A registration awaiting review, a pending address change
        self._registration_demo(events, companies)

        staff_password = self._staff()
        staff_logins = [(STAFF_USERNAME, "Verwaltung", staff_password)] + [
            (username, group, self._role_staff(username, group, first, last))
            for username, group, first, last in ROLE_STAFF
        ]
        lines = []
        for username, label, password in staff_logins:
            otp_key, backup_codes = second_factor_demo_setup(
                person=Person.objects.get(username=username)
            )
            lines.append(
                f"  {label} (staff):".ljust(31)
                + f"{username} / {password}\n"
                + "    zweiter Faktor: einer dieser Sicherungscodes (je einmal gültig): "
                + f"{', '.join(backup_codes[:3])}\n"
                + f"    oder den Schlüssel {otp_key} in eine Authenticator-App eintragen\n"
            )
        participant = persons[DEMO_PARTICIPANT]
        participant_password = _password()
        participant.set_password(participant_password)
        participant.own_password_set_at = participant.own_password_set_at or timezone.now()
        participant.save()
        api_token = self._integration()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready.\n")
            + "".join(lines)
            + "  Teilnehmer (portal):".ljust(31)
            + f"{participant.username} / {participant_password}\n"
            + "  Schnittstelle (API):".ljust(31)
            + f"Authorization: Bearer {api_token}\n"
            + " " * 31
            + "Referenz: /api/v1/docs, Anleitung: docs/api.md\n"
        )

    def _integration(self) -> str:
        """A demo integration with every scope; its token is new on every run (only its
        digest is stored, so the old one cannot be shown again)."""
        existing = Integration.objects.filter(name=DEMO_INTEGRATION).first()
        if existing:
            return integration_token_rotate(integration=existing, actor=None)
        _integration, token = integration_create(
            name=DEMO_INTEGRATION,
            scopes=[scope.value for scope in Scope],
            actor=None,
            description="Demo: das eigene Seminarverwaltungssystem des Anbieters.",
        )
        return token

    def _qualifications(self, events):
        for name, legal_basis, months, courses in QUALIFICATIONS:
            qualification, _ = Qualification.objects.get_or_create(
                name=name, defaults={"legal_basis": legal_basis, "refresh_months": months}
            )
            for number, role in courses.items():
                Event.objects.filter(pk=events[number].pk, qualification__isnull=True).update(
                    qualification=qualification, qualification_role=role
                )
                events[number].refresh_from_db()

    def _company(self, name, street, postal_code, city, phone):
        company = Company.objects.filter(name_key=match_key(name)).first()
        if company is None:
            company = Company.objects.create(
                name=name,
                name_key=match_key(name),
                street=street,
                postal_code=postal_code,
                city=city,
                phone=phone,
            )
        return company

    def _person(self, row, companies):
        first, last, salutation, title, company_index, email = row
        company = companies[company_index] if company_index is not None else None
        existing = Person.objects.filter(
            name_key=match_key(f"{first} {last}"), company=company
        ).first()
        if existing:
            return existing
        return person_create(
            first_name=first,
            last_name=last,
            salutation=salutation,
            title=title,
            email=email,
            company=company,
            address={
                "street": company.street,
                "postal_code": company.postal_code,
                "city": company.city,
                "phone": company.phone,
            }
            if company
            else None,
        )

    def _event(self, row, today):
        number, title, offset, days, format_, place, capacity, price, status = row
        first_day = today + timedelta(days=offset)
        event, _ = Event.objects.get_or_create(
            number=number,
            defaults={
                "title": title,
                "description": (
                    f"{title}.\n\nDie Veranstaltung richtet sich an Fach- und Führungskräfte "
                    "aus Wasserversorgung, Abwasserbeseitigung und Abfallwirtschaft."
                ),
                "first_day": first_day,
                "last_day": first_day + timedelta(days=days - 1),
                "format": format_,
                "place": place,
                "capacity": capacity,
                "price": Decimal(price),
                "status": status,
                "confirmed_at": timezone.now() if status == "confirmed" else None,
            },
        )
        return event

    def _participations(self, event, persons, status):
        if Participation.objects.filter(event=event).exists():
            return
        first = persons[0]
        company = first.company
        registration = Registration.objects.create(
            event=event,
            correspondence_email=first.email or "personal@kunde.example",
            company_name=company.name if company else "",
            street=first.street,
            postal_code=first.postal_code,
            city=first.city,
            phone=first.phone,
            consent_at=timezone.now(),
        )
        for person in persons:
            if not Participation.objects.filter(person=person).exists():
                # As a booking that creates the account: its address may get the credentials.
                address_bind(
                    person=person,
                    email=registration.correspondence_email,
                    source=BoundAddress.Source.REGISTERED,
                )
            Participation.objects.create(
                registration=registration,
                event=event,
                person=person,
                company=person.company,
                status=status,
                confirmation_sent_at=timezone.now()
                if status in ("confirmed", "attended")
                else None,
            )

    # --- Registrations ------------------------------------------------------------
    def _registration_demo(self, events, companies):
        """Work for the back office: a company change told in the remark, and new address data
        for an existing participant. Uses the real registration service; idempotent."""
        import uuid

        from kundenportal.registrations.services.booking import registration_submit
        from kundenportal.registrations.services.resolution import AddressData, ParticipantData

        demo = [
            # Max Mustermann moved from the Wasserverband to a new employer.
            (
                "G-2705",
                "Max",
                "Mustermann",
                "max.mustermann@abwasser-nord.example",
                AddressData(
                    company_name="Abwasserzweckverband Nord",
                    street="Deichweg 3",
                    postal_code="25746",
                    city="Heide",
                    phone="0481 7700",
                ),
                "Firmenwechsel, bisheriger Benutzername max.mustermann",
            ),
            # Björn Schäfer's company moved: same company, new street → an AddressChange.
            (
                "E-2706",
                "Björn",
                "Schäfer",
                "bjoern.schaefer@eb-mg.example",
                AddressData(
                    company_name=companies[2].name,
                    street="Neusser Straße 40",
                    postal_code="41065",
                    city="Mönchengladbach",
                    phone=companies[2].phone,
                ),
                "",
            ),
        ]
        for number, first, last, email, address, remarks in demo:
            event = events[number]
            if Registration.objects.filter(event=event, correspondence_email=email).exists():
                continue
            registration_submit(
                event=event,
                participants=[ParticipantData(first_name=first, last_name=last)],
                correspondence_email=email,
                address=address,
                remarks=remarks,
                consent=True,
                submission_token=uuid.uuid4(),
            )

    def _staff(self):
        password = _password()
        staff = Person.objects.filter(username=STAFF_USERNAME).first()
        if staff is None:
            Person.objects.create_superuser(
                STAFF_USERNAME,
                password,
                first_name="Vera",
                last_name="Waltung",
                email="verwaltung@bew.example",
            )
        else:
            staff.set_password(password)
            staff.save(update_fields=["password"])
        return password

    def _role_staff(self, username: str, group: str, first_name: str, last_name: str) -> str:
        """A staff login with only the rights of its role (no superuser)."""
        password = _password()
        staff, _ = Person.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@bew.example",
                "is_staff": True,
            },
        )
        staff.set_password(password)
        staff.own_password_set_at = staff.own_password_set_at or timezone.now()
        staff.save()
        staff.groups.set([Group.objects.get(name=group)])
        return password


def _password() -> str:
    # Demo logins only; printed on the developer's terminal, never stored in plain text.
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


# --- Portal demo data: course documents, an online link, certificates ---------------
# (event number, document title, file name)
DOCUMENTS = [
    ("K-2609", "Skript Kanalreinigung und -inspektion", "Skript Kanalreinigung.pdf"),
    ("K-2609", "Übungsaufgaben mit Lösungen", "Übungsaufgaben Kanalbetrieb.pdf"),
    ("A-2701", "Teilnehmerunterlagen Abfallrecht", "Unterlagen Abfallbeauftragte.pdf"),
    ("O-2703", "Folien zur Trinkwasserverordnung", "Folien TrinkwV 2023.pdf"),
    # Long past: its documents are no longer online, the portal must not show them.
    ("T-2411", "Skript Trinkwasserhygiene", "Skript Trinkwasserhygiene.pdf"),
]
# A confirmed online event the demo participant is confirmed for: its link shows in the portal.
ONLINE_EVENT = (
    "O-2710",
    "Online-Seminar: Digitales Kanalkataster",
    10,
    1,
    "online",
    "",
    40,
    "260.00",
    "confirmed",
)
ONLINE_LINK = ("O-2710", "https://meet.bew.example/o-2710", "Meeting-ID 481 220 913")
CERTIFICATE_EVENTS = ["W-2301", "T-2411", "K-2609", "F-2509"]


def demo_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF with the given lines (Helvetica, Latin-1)."""
    text = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in lines
    )
    stream = text.encode("latin-1", "replace") + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def seed_portal_documents(command, events, persons) -> None:
    from django.core.files.base import ContentFile

    from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
    from kundenportal.documents.services import (
        certificate_create,
        course_document_create,
        online_link_create,
    )

    today = timezone.localdate()
    events = {**events, ONLINE_EVENT[0]: command._event(ONLINE_EVENT, today)}
    command._participations(events[ONLINE_EVENT[0]], [persons[DEMO_PARTICIPANT]], "confirmed")
    for number, title, filename in DOCUMENTS:
        event = events[number]
        if CourseDocument.objects.filter(event=event, title=title).exists():
            continue
        upload = ContentFile(demo_pdf(title, event.title, event.number), name=filename)
        course_document_create(event=event, title=title, upload=upload)
    number, url, note = ONLINE_LINK
    if not OnlineLink.objects.filter(event=events[number]).exists():
        online_link_create(event=events[number], url=url, note=note)
    for number in CERTIFICATE_EVENTS:
        event = events[number]
        for participation in Participation.objects.filter(
            event=event, status=Participation.Status.ATTENDED
        ).select_related("person"):
            if Certificate.objects.filter(participation=participation).exists():
                continue
            person = participation.person
            upload = ContentFile(
                demo_pdf(
                    "Teilnahmebescheinigung",
                    person.get_full_name(),
                    f"hat an der Veranstaltung {event.number} teilgenommen:",
                    event.title,
                ),
                name=f"Teilnahmebescheinigung {event.number} {person.last_name}.pdf",
            )
            certificate_create(
                participation=participation,
                upload=upload,
                issued_on=event.last_day + timedelta(days=1),
            )


# --- Back office: the past events' certificates as real PDFs ---------------
def seed_backoffice_certificates(events) -> None:
    """Generated like staff would ("Bescheinigungen erzeugen"): with verification code and QR
    code, issued the day after the event; no mails for demo data. Runs before the portal's
    seed, whose placeholder certificates are then skipped (a certificate exists)."""
    from kundenportal.documents.services import certificates_generate

    for number in CERTIFICATE_EVENTS:
        event = events[number]
        certificates_generate(
            event=event, issued_on=event.last_day + timedelta(days=1), notify=False
        )
