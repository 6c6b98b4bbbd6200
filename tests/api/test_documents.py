"""Course documents, online links and certificates through the API."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
from kundenportal.notifications.models import OutboxMail
from tests.factories import EventFactory, ParticipationFactory

from .test_auth import assert_problem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_document_upload_checks_like_the_back_office(api):
    EventFactory(number="D-1")
    ok = api.upload("/events/D-1/documents", {"file": _upload("../../Skript Ä.pdf", PDF)})
    assert ok.status_code == 201, ok.content
    document = CourseDocument.objects.get()
    assert document.filename == "Skript Ä.pdf"
    assert ok.json()["title"] == "Skript Ä"
    renamed = api.upload("/events/D-1/documents", {"file": _upload("virus.pdf", b"MZ\x90\x00")})
    problem = assert_problem(renamed, 422)
    assert "keine gültige PDF-Datei" in problem["detail"]
    exe = api.upload("/events/D-1/documents", {"file": _upload("tool.exe", b"MZ\x90")})
    assert "nicht erlaubt" in assert_problem(exe, 422)["detail"]
    assert CourseDocument.objects.count() == 1
    missing = api.upload("/events/D-1/documents", {})
    assert_problem(missing, 422)
    # One entry, the back office's, naming the integration.
    (entry,) = AuditEntry.objects.filter(action__contains="upload")
    assert entry.action == "event.documents_upload"
    assert entry.actor_label == "Schnittstelle: ERP" and entry.data["files"] == ["Skript Ä.pdf"]
    titled = api.upload(
        "/events/D-1/documents", {"file": _upload("b.pdf", PDF)}, {"title": "  Handout Tag 2 "}
    )
    assert titled.json()["title"] == "Handout Tag 2"
    assert CourseDocument.objects.get(pk=titled.json()["id"]).uploaded_by is None


def test_document_too_large(api, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 10
    EventFactory(number="D-2")
    problem = assert_problem(
        api.upload("/events/D-2/documents", {"file": _upload("a.pdf", PDF)}), 422
    )
    assert "höchstens" in problem["detail"]


def test_delete_document_and_link(api):
    EventFactory(number="D-3")
    doc = api.upload("/events/D-3/documents", {"file": _upload("a.pdf", PDF)}).json()
    assert api.delete(f"/documents/{doc['id']}").status_code == 204
    assert not CourseDocument.objects.exists()
    assert_problem(api.delete(f"/documents/{doc['id']}"), 404)
    link = api.post("/events/D-3/online-links", {"url": "https://meet.example/x"}).json()
    assert OnlineLink.objects.get().url == "https://meet.example/x"
    assert api.delete(f"/online-links/{link['id']}").status_code == 204
    assert not OnlineLink.objects.exists()
    bad = api.post("/events/D-3/online-links", {"url": "javascript:alert(1)"})
    assert_problem(bad, 422)


@pytest.fixture
def attended():
    today = timezone.localdate()
    event = EventFactory(
        number="C-1", first_day=today - dt.timedelta(days=2), last_day=today - dt.timedelta(days=1)
    )
    return ParticipationFactory.create_batch(2, registration__event=event, status="attended")


def test_generate_certificates_idempotently(api, attended):
    first = api.post("/events/C-1/certificates").json()
    assert (first["created"], len(first["certificates"])) == (2, 2)
    again = api.post("/events/C-1/certificates").json()
    assert (again["created"], again["already_present"]) == (0, 2)
    assert OutboxMail.objects.filter(template="certificate_available").count() == 2


def test_generate_before_the_event_is_409(api):
    EventFactory(number="C-2")
    assert_problem(api.post("/events/C-2/certificates"), 409)


def test_upload_one_certificate_and_revoke_it(api, attended):
    participation = attended[0]
    response = api.upload(
        f"/participations/{participation.pk}/certificate", {"file": _upload("Zertifikat.pdf", PDF)}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == participation.person.username
    again = api.upload(
        f"/participations/{participation.pk}/certificate", {"file": _upload("Z.pdf", PDF)}
    )
    assert "bereits eine Bescheinigung" in assert_problem(again, 409)["detail"]
    revoked = api.post(f"/certificates/{body['id']}/revoke", {"reason": "Falscher Name"})
    assert revoked.json()["revoked"] is True
    certificate = Certificate.objects.get()
    assert certificate.revocation_reason == "Falscher Name"
    assert certificate.revoked_by is None
    assert_problem(api.post(f"/certificates/{body['id']}/revoke", {"reason": "nochmal"}), 409)
    assert_problem(api.post("/certificates/999999/revoke", {"reason": "x"}), 404)


def test_certificate_only_for_attendees(api):
    with time_machine.travel(timezone.now()):
        participation = ParticipationFactory(status="registered")
    response = api.upload(
        f"/participations/{participation.pk}/certificate", {"file": _upload("Z.pdf", PDF)}
    )
    assert_problem(response, 409)
