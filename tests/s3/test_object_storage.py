"""Every file path of the portal against a real S3 endpoint (moto's server mode): staff
upload, participant download, certificate generation, the "Meine Daten" export, and deletion
by retention and by account deletion."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kundenportal.core.s3 import S3Storage
from kundenportal.documents.models import Certificate, CourseDocument
from kundenportal.documents.services import certificate_create
from kundenportal.events.models import Event
from kundenportal.privacy.erasure import account_delete
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
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def event():
    today = timezone.localdate()
    return EventFactory(
        number="K-2609",
        first_day=today - dt.timedelta(days=3),
        last_day=today - dt.timedelta(days=1),
        status=Event.Status.CONFIRMED,
    )


@pytest.fixture
def participant(event):
    return ParticipationFactory(registration__event=event, status="attended").person


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_default_storage_is_the_bucket(s3):
    name = default_storage.save("probe/Prüfung.txt", ContentFile(b"hallo"))
    assert isinstance(default_storage._wrapped, S3Storage)
    assert s3.objects() == {name}
    with default_storage.open(name) as file:
        assert file.read() == b"hallo"


def test_staff_upload_goes_to_the_bucket_and_the_participant_downloads_it(
    s3, staff_client, client, event, participant
):
    response = staff_client.post(
        reverse("admin:events_event_documents_upload", args=[event.pk]),
        {
            "files": [
                SimpleUploadedFile("Skript Teil 1.pdf", b"%PDF-1.4 eins"),
                SimpleUploadedFile("Übungen Größe.pdf", b"%PDF-1.4 zwei"),
            ]
        },
        follow=True,
    )
    assert "2 Unterlagen für K-2609 gespeichert" in response.content.decode()
    documents = {d.filename: d for d in CourseDocument.objects.all()}
    assert s3.objects() == {d.file.name for d in documents.values()}
    assert s3.body(documents["Übungen Größe.pdf"].file.name) == b"%PDF-1.4 zwei"

    client.force_login(participant)
    url = reverse("portal:course_document_download", args=[documents["Übungen Größe.pdf"].pk])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Length"] == str(len(b"%PDF-1.4 zwei"))
    assert "%C3%9Cbungen%20Gr%C3%B6%C3%9Fe.pdf" in download["Content-Disposition"]
    assert _body(download) == b"%PDF-1.4 zwei"

    # Another participant's request for the same id is a 404, on S3 as on disk.
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404


def test_a_file_gone_from_the_bucket_is_404(s3, client, event, participant):
    document = CourseDocumentFactory(event=event)
    s3_key = document.file.name
    default_storage.delete(s3_key)
    assert s3_key not in s3.objects()
    client.force_login(participant)
    url = reverse("portal:course_document_download", args=[document.pk])
    assert client.get(url).status_code == 404


def test_generated_certificates_are_stored_in_the_bucket_and_downloaded(
    s3, staff_client, client, event, participant
):
    done = staff_client.post(
        reverse("admin:events_event_certificates", args=[event.pk]), follow=True
    )
    assert "1 Bescheinigung erzeugt" in done.content.decode()
    certificate = Certificate.objects.get()
    assert s3.objects() == {certificate.file.name}
    assert s3.body(certificate.file.name).startswith(b"%PDF")

    client.force_login(participant)
    download = client.get(reverse("portal:certificate_download", args=[certificate.pk]))
    assert download.status_code == 200
    assert _body(download) == s3.body(certificate.file.name)


def test_export_zip_holds_the_certificates_from_the_bucket(s3, client, event, participant):
    participation = Participation.objects.get(person=participant)
    certificate = certificate_create(
        participation=participation,
        upload=ContentFile(b"%PDF-1.4 Zertifikat", name="Zertifikat Öl.pdf"),
        issued_on=timezone.localdate(),
    )
    assert certificate.file.name in s3.objects()

    client.force_login(participant)
    response = client.post(reverse("portal:data_export"))
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    [name] = [n for n in archive.namelist() if n.startswith("bescheinigungen/")]
    assert name.endswith("Zertifikat Öl.pdf")
    assert archive.read(name) == b"%PDF-1.4 Zertifikat"


def test_retention_deletes_the_objects_with_their_records(s3, django_capture_on_commit_callbacks):
    from kundenportal.retention.services import retention_purge

    today = timezone.localdate()
    old_event = EventFactory(
        first_day=today - dt.timedelta(days=60), last_day=today - dt.timedelta(days=60)
    )
    expired_document = CourseDocumentFactory(event=old_event)
    current_document = CourseDocumentFactory(event=EventFactory(first_day=today, last_day=today))
    expired_certificate = CertificateFactory(issued_on=today.replace(year=today.year - 11))
    current_certificate = CertificateFactory(issued_on=today)
    assert len(s3.objects()) == 4

    with django_capture_on_commit_callbacks(execute=True):
        result = retention_purge()

    assert result.counts["course_documents"] == 1
    assert result.counts["certificates"] == 1
    assert s3.objects() == {current_document.file.name, current_certificate.file.name}
    assert not CourseDocument.objects.filter(pk=expired_document.pk).exists()
    assert not Certificate.objects.filter(pk=expired_certificate.pk).exists()


def test_account_deletion_deletes_the_persons_objects(s3, django_capture_on_commit_callbacks):
    certificate = CertificateFactory()
    person = certificate.participation.person
    kept = CertificateFactory()
    staff = PersonFactory(is_staff=True, is_superuser=True)
    assert s3.objects() == {certificate.file.name, kept.file.name}

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(person=person, actor=staff)

    assert s3.objects() == {kept.file.name}
