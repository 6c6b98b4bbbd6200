"""The one rule for "may this person have this file" (``documents/access.py``), and that every
path asks it: the portal download, the export ZIP and the mail announcing a certificate."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kundenportal.documents.access import (
    certificate_obtainable,
    certificates_obtainable,
    course_document_obtainable,
    course_documents_obtainable,
)
from kundenportal.documents.mail import certificate_mail_context
from kundenportal.documents.services import certificate_reissue, certificate_revoke
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return PersonFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def certificates(staff):
    """Of one participant: a valid certificate, a revoked one, one replaced by a corrected
    one (and that corrected one), and one past its 10 years."""
    person = PersonFactory(username="hanna.hagebutte")
    today = timezone.localdate()

    def attended():
        return ParticipationFactory(person=person, status=Participation.Status.ATTENDED)

    valid = CertificateFactory(participation=attended(), issued_on=today)
    revoked = CertificateFactory(participation=attended(), issued_on=today)
    certificate_revoke(certificate=revoked, reason="Irrtum", actor=staff)
    replaced = CertificateFactory(participation=attended(), issued_on=today)
    corrected = certificate_reissue(
        certificate=replaced,
        reason="Tippfehler",
        actor=staff,
        upload=SimpleUploadedFile("neu.pdf", b"%PDF-1.4 neu"),
    )
    expired = CertificateFactory(
        participation=attended(), issued_on=today - dt.timedelta(days=11 * 366)
    )
    replaced.refresh_from_db()
    return {
        "person": person,
        "valid": valid,
        "revoked": revoked,
        "replaced": replaced,
        "corrected": corrected,
        "expired": expired,
    }


def test_only_valid_certificates_within_their_years_are_obtainable(certificates):
    person, today = certificates["person"], timezone.localdate()
    assert set(certificates_obtainable(person=person, today=today)) == {
        certificates["valid"],
        certificates["corrected"],
    }
    for name in ("revoked", "replaced", "expired"):
        assert not certificate_obtainable(
            person=person, certificate=certificates[name], today=today
        ), name
    # Another person's certificate is never theirs; a deactivated account has none.
    other = PersonFactory()
    assert not certificate_obtainable(person=other, certificate=certificates["valid"], today=today)
    person.is_active = False
    person.save()
    assert not certificates_obtainable(person=person, today=today).exists()


def test_course_documents_follow_the_booking_and_the_42_days():
    person = PersonFactory()
    today = timezone.localdate()
    booked = ParticipationFactory(person=person, status=Participation.Status.CONFIRMED)
    document = CourseDocumentFactory(event=booked.event)
    waiting = ParticipationFactory(person=person, status=Participation.Status.WAITLISTED)
    not_for_waiting = CourseDocumentFactory(event=waiting.event)
    past = ParticipationFactory(
        person=person,
        status=Participation.Status.ATTENDED,
        event=EventFactory(
            first_day=today - dt.timedelta(days=50), last_day=today - dt.timedelta(days=43)
        ),
    )
    gone = CourseDocumentFactory(event=past.event)
    assert list(course_documents_obtainable(person=person, today=today)) == [document]
    assert course_document_obtainable(person=person, document=document, today=today)
    assert not course_document_obtainable(person=person, document=not_for_waiting, today=today)
    assert not course_document_obtainable(person=person, document=gone, today=today)
    assert not course_document_obtainable(person=PersonFactory(), document=document, today=today)


def test_every_path_refuses_a_revoked_or_replaced_certificate(client, certificates):
    person = certificates["person"]
    client.force_login(person)
    # The portal download.
    for name, status in (("valid", 200), ("revoked", 404), ("replaced", 404), ("expired", 404)):
        url = reverse("portal:certificate_download", args=[certificates[name].pk])
        assert client.get(url).status_code == status, name
    # The export: listed as data, without the file.
    response = client.post(reverse("portal:data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("daten.json"))
    files = {name for name in archive.namelist() if name.startswith("bescheinigungen/")}
    rows = {row["Prüfcode"]: row for row in data["bescheinigungen"]}
    for name in ("revoked", "replaced"):
        row = rows[certificates[name].verification_code]
        assert row["Datei"] is None and row["Status"].startswith("widerrufen am"), name
    assert files == {
        rows[certificates[name].verification_code]["Datei"] for name in ("valid", "corrected")
    }
    # The mail announcing it.
    for name in ("revoked", "replaced", "expired"):
        mail = OutboxMail(
            template="certificate_available", context={"certificate_id": certificates[name].pk}
        )
        with pytest.raises(MailObsolete):
            certificate_mail_context(mail)
    mail = OutboxMail(
        template="certificate_available", context={"certificate_id": certificates["valid"].pk}
    )
    assert certificate_mail_context(mail) == {}
