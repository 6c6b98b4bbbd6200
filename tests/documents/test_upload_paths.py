"""One upload check for every path that stores a file from staff: an HTML or SVG page (which
a browser would run) is refused on each, exactly like the bulk upload refuses it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.documents.models import Certificate, CourseDocument
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
BAD_FILES = [
    ("Skript.html", HTML),
    ("Skript.svg", SVG),
    ("Skript.htm", HTML),
    ("Skript.pdf", HTML),  # a page renamed: the content does not fit the type
]


@pytest.fixture
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(("name", "content"), BAD_FILES)
def test_plain_document_admin_form_refuses_pages(staff_client, name, content):
    event = EventFactory()
    response = staff_client.post(
        reverse("admin:documents_coursedocument_add"),
        {"event": event.pk, "title": "Skript", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert "nicht erlaubt" in response.content.decode() or "keine gültige" in (
        response.content.decode()
    )
    assert not CourseDocument.objects.exists()


def test_plain_document_admin_form_refuses_a_page_on_change(staff_client):
    event = EventFactory()
    staff_client.post(
        reverse("admin:documents_coursedocument_add"),
        {"event": event.pk, "title": "Skript", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    document = CourseDocument.objects.get()
    response = staff_client.post(
        reverse("admin:documents_coursedocument_change", args=[document.pk]),
        {"event": event.pk, "title": "Skript", "file": SimpleUploadedFile("b.svg", SVG)},
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.filename == "a.pdf"


@pytest.mark.parametrize(
    ("name", "content"), [*BAD_FILES, ("Bescheinigung.png", b"\x89PNG\r\n\x1a\n....")]
)
def test_plain_certificate_admin_form_takes_pdf_only(staff_client, name, content):
    participation = ParticipationFactory(status="attended")
    response = staff_client.post(
        reverse("admin:documents_certificate_add"),
        {
            "participation": participation.pk,
            "title": "Teilnahmebescheinigung",
            "issued_on": "05.03.2026",
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(("name", "content"), BAD_FILES[:2])
def test_certificate_upload_page_refuses_pages(staff_client, name, content):
    participation = ParticipationFactory(status="attended")
    url = reverse(
        "admin:events_event_certificate_upload",
        args=[participation.event_id, participation.pk],
    )
    response = staff_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kunden.html", HTML),
        ("kunden.svg", SVG),
        ("kunden.csv", HTML),  # a page renamed
        ("kunden.csv", b"vorname;nachname\x00;email\n"),  # a binary renamed
    ],
)
def test_customer_import_refuses_pages(staff_client, name, content):
    url = reverse("admin:registrations_import_customers")
    response = staff_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nicht erlaubt" in page or "keine gültige" in page
    assert Person.objects.count() == 1  # the staff member only
