"""Lists staff print or open in a spreadsheet, and all certificates of an event as a ZIP,
for an event of 200 attendees: content, streaming, bounded queries, audit, permissions."""

import csv
import datetime as dt
import io
import tracemalloc
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.backoffice import lists
from kundenportal.companies.models import Company
from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation
from tests.factories import EventFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

ATTENDEES = 200
FILE_SIZE = 100_000


@pytest.fixture
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def big_event():
    """A past two-day event with 200 attendees, two waiting and one cancelled; each attendee
    has a certificate file of 100 KB."""
    today = timezone.localdate()
    event = EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung",
        first_day=today - dt.timedelta(days=3),
        last_day=today - dt.timedelta(days=2),
        capacity=ATTENDEES,
        status=Event.Status.CONFIRMED,
    )
    company = Company.objects.create(name="Stadtwerke Görlitz Wasser GmbH", name_key="sw")
    registration = RegistrationFactory(event=event, company_name="Buchende Firma")
    persons = Person.objects.bulk_create(
        Person(
            username=f"teilnehmer.{i}",
            first_name="Jürgen" if i else '=HYPERLINK("http://x.example")',
            last_name=f"Größe{i:03d}",
            email=f"t{i}@example.org",
            company=company if i % 2 else None,
        )
        for i in range(ATTENDEES + 3)
    )
    participations = Participation.objects.bulk_create(
        Participation(
            registration=registration,
            event=event,
            person=person,
            company=person.company,  # booked under the person's company, as the form does
            status="attended"
            if i < ATTENDEES
            else ("waitlisted", "waitlisted", "cancelled")[i - ATTENDEES],
        )
        for i, person in enumerate(persons)
    )
    certificates = []
    for i, participation in enumerate(participations[:ATTENDEES]):
        content = f"%PDF-1.4 Nr. {i:03d}\n".encode().ljust(FILE_SIZE, b"x")
        name = default_storage.save(f"bescheinigungen/test{i:03d}.pdf", ContentFile(content))
        certificates.append(
            Certificate(
                participation=participation,
                issued_on=today,
                file=name,
                # Two attendees share a name: the ZIP keeps both files.
                filename=f"Teilnahmebescheinigung {participation.person.last_name}.pdf"
                if i > 1
                else "Teilnahmebescheinigung doppelt.pdf",
                size=FILE_SIZE,
            )
        )
    Certificate.objects.bulk_create(certificates)
    return event


def url(name, event):
    return reverse(f"admin:events_event_{name}", args=[event.pk])


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_event_page_offers_the_downloads(staff_client, big_event):
    html = staff_client.get(url("change", big_event)).content.decode()
    for name in ("attendance_pdf", "participants_csv", "participants_xlsx", "certificates_zip"):
        assert url(name, big_event) in html


def test_attendance_pdf_for_200_attendees(staff_client, big_event, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("attendance_pdf", big_event))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert "Anwesenheitsliste K-2609.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(content(response)))
    assert len(reader.pages) > 5  # multi-page, the header on every page
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Unterschrift") == 2 * len(reader.pages)  # one column per day
    assert "Anwesenheitsliste K-2609" in text
    assert "Größe001" in text and "Größe199" in text
    flat = " ".join(text.split())  # long company names wrap inside their cell
    assert "Stadtwerke Görlitz Wasser GmbH" in flat and "Buchende Firma" in flat
    assert "Seite 2" in text
    # Waiting list and cancelled are not on the list.
    assert "Größe200" not in text and "Größe202" not in text
    entry = AuditEntry.objects.get(action="event.download_attendance_pdf")
    assert entry.object_id == str(big_event.pk) and entry.data["count"] == ATTENDEES


def test_participants_csv_for_200_attendees_is_streamed_and_safe(
    staff_client, big_event, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("participants_csv", big_event))
    assert isinstance(response, StreamingHttpResponse)
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    data = content(response).decode("utf-8")
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Nr.", "Anrede", "Titel", "Vorname", "Nachname"]
    assert len(rows) == 1 + ATTENDEES + 2  # with the waiting list, without the cancelled
    statuses = [row[8] for row in rows[1:]]
    assert statuses.count("Teilgenommen") == ATTENDEES and statuses.count("Warteliste") == 2
    # Formula injection: the cell starts with an apostrophe, never with "=".
    first = next(row for row in rows if row[4] == "Größe000")
    assert first[3] == '\'=HYPERLINK("http://x.example")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert AuditEntry.objects.filter(action="event.download_participants_csv").count() == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 201 123", "'+49 201 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Anna-Lena", "Anna-Lena"),
        (7, "7"),
        (None, ""),
    ],
)
def test_csv_cells_are_guarded_against_formulas(value, expected):
    assert lists.csv_safe(value) == expected


def test_participants_xlsx_for_200_attendees(
    staff_client, big_event, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("participants_xlsx", big_event))
    assert isinstance(response, FileResponse)
    assert "Teilnehmer K-2609.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nr." and len(rows) == 1 + ATTENDEES + 2
    first = next(row for row in rows if row[4] == "Größe000")
    # Stored as text, not as a formula.
    assert first[3] == '=HYPERLINK("http://x.example")'
    cell = next(c for c in sheet.iter_rows() if c[4].value == "Größe000")[3]
    assert cell.data_type == "s"
    assert AuditEntry.objects.filter(action="event.download_participants_xlsx").count() == 1


def test_certificates_zip_for_200_attendees_is_streamed(
    staff_client, big_event, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("certificates_zip", big_event))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert "Bescheinigungen K-2609.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    names = archive.namelist()
    assert len(names) == ATTENDEES
    assert "Teilnahmebescheinigung doppelt.pdf" in names
    assert "Teilnahmebescheinigung doppelt (2).pdf" in names
    body = archive.read("Teilnahmebescheinigung Größe150.pdf")
    assert body.startswith(b"%PDF-1.4 Nr. 150") and len(body) == FILE_SIZE
    entry = AuditEntry.objects.get(action="event.download_certificates_zip")
    assert entry.data["count"] == ATTENDEES


def test_certificates_zip_reads_files_only_as_it_is_sent(staff_client, big_event, monkeypatch):
    opened = []
    real_chunks = lists._file_chunks

    def counting_chunks(name):
        opened.append(name)  # runs when the archive starts reading this file
        yield from real_chunks(name)

    monkeypatch.setattr(lists, "_file_chunks", counting_chunks)
    response = staff_client.get(url("certificates_zip", big_event))
    chunks = iter(response.streaming_content)
    next(chunks)
    assert len(opened) <= 1  # nothing read ahead
    # 20 MB of certificates go through without the archive being held in memory.
    tracemalloc.start()
    total = 0
    for chunk in chunks:
        total += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > ATTENDEES * FILE_SIZE * 0.9
    assert len(opened) == ATTENDEES
    assert peak < 3 * 1024 * 1024, peak


def test_revoked_certificates_are_left_out_of_the_zip(staff_client, big_event):
    revoked = Certificate.objects.filter(participation__event=big_event).order_by("id")[:10]
    Certificate.objects.filter(pk__in=[c.pk for c in revoked]).update(revoked_at=timezone.now())
    archive = zipfile.ZipFile(
        io.BytesIO(content(staff_client.get(url("certificates_zip", big_event))))
    )
    assert len(archive.namelist()) == ATTENDEES - 10


def test_zip_of_an_event_without_certificates_says_so(staff_client):
    event = EventFactory()
    response = staff_client.get(url("certificates_zip", event), follow=True)
    assert "keine gültige Bescheinigung" in response.content.decode()
    assert not AuditEntry.objects.filter(action="event.download_certificates_zip").exists()


def test_downloads_need_their_own_permissions(client, big_event):
    clerk = PersonFactory(username="sach.bearbeiter", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(clerk)
    names = ("attendance_pdf", "participants_csv", "participants_xlsx", "certificates_zip")
    for name in names:
        assert client.get(url(name, big_event)).status_code == 403, name
    html = client.get(url("change", big_event)).content.decode()
    assert not any(url(name, big_event) in html for name in names)
    clerk.user_permissions.add(Permission.objects.get(codename="export_participants"))
    client.force_login(Person.objects.get(pk=clerk.pk))
    assert client.get(url("attendance_pdf", big_event)).status_code == 200
    assert client.get(url("certificates_zip", big_event)).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="export_certificates"))
    client.force_login(Person.objects.get(pk=clerk.pk))
    assert client.get(url("certificates_zip", big_event)).status_code == 200
    assert not AuditEntry.objects.filter(
        actor__isnull=True, action__startswith="event.download"
    ).exists()


def test_a_participant_cannot_download_the_lists(client, big_event):
    client.force_login(Person.objects.get(username="teilnehmer.5"))
    response = client.get(url("participants_csv", big_event))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_attendance_pdf_prints_names_with_markup_characters_as_they_are():
    event = EventFactory(title="Abwasser & Kanal <Grundkurs>")
    row = {
        "person__title": "",
        "person__first_name": "Ann <b>",
        "person__last_name": "Smith & Söhne",
        "company__name": "A&B <GmbH>",
        "registration__company_name": "",
    }
    text = PdfReader(io.BytesIO(lists.attendance_pdf(event=event, rows=[row]))).pages[0]
    flat = " ".join(text.extract_text().split())
    assert "Ann <b> Smith & Söhne" in flat
    assert "A&B <GmbH>" in flat and "Abwasser & Kanal <Grundkurs>" in flat
