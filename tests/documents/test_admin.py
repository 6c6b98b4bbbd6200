import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kundenportal.audit.models import AuditEntry
from kundenportal.documents.models import Certificate, CourseDocument
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


def test_staff_upload_a_course_document_one_by_one(staff_client):
    event = EventFactory()
    upload = SimpleUploadedFile("Skript Wärmepumpe.pdf", b"%PDF-1.4 x", "text/html")
    response = staff_client.post(
        reverse("admin:documents_coursedocument_add"),
        {"event": event.pk, "title": "Skript", "file": upload},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    document = CourseDocument.objects.get()
    assert document.filename == "Skript Wärmepumpe.pdf"
    # The type comes from the name, not from what the browser claimed.
    assert document.content_type == "application/pdf"
    assert document.size == 10
    assert "Wärmepumpe" not in document.file.name


def test_staff_upload_a_certificate_and_it_is_logged(
    staff_client, django_capture_on_commit_callbacks
):
    participation = ParticipationFactory(status="attended")
    upload = SimpleUploadedFile("Bescheinigung.pdf", b"%PDF-1.4 y")
    response = staff_client.post(
        reverse("admin:documents_certificate_add"),
        {
            "participation": participation.pk,
            "title": "Teilnahmebescheinigung",
            "issued_on": "05.03.2026",
            "file": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    certificate = Certificate.objects.get()
    logged = AuditEntry.objects.filter(
        object_type="documents.certificate", object_id=str(certificate.pk)
    )
    assert [e.action for e in logged] == ["admin.add"]
    name = certificate.file.name
    assert certificate.file.storage.exists(name)
    # The file goes once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:documents_certificate_delete", args=[certificate.pk]), {"post": "yes"}
        )
    assert not Certificate.objects.exists()
    assert not certificate.file.storage.exists(name)
    assert [e.action for e in logged.order_by("id")] == ["admin.add", "admin.delete"]
