"""Back office services of the documents app: certificate PDFs, bulk upload, single upload."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from kundenportal.audit.models import AuditEntry
from kundenportal.documents.models import Certificate, CourseDocument
from kundenportal.documents.services import (
    certificate_upload,
    certificates_generate,
    course_documents_upload,
)
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def past_event():
    today = timezone.localdate()
    return EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung und -inspektion",
        first_day=today - dt.timedelta(days=3),
        last_day=today - dt.timedelta(days=1),
        place="Essen, BEW-Zentrum",
        status=Event.Status.CONFIRMED,
    )


def _participation(event, status, **person):
    return ParticipationFactory(
        registration=RegistrationFactory(event=event, correspondence_email="personal@eb.example"),
        status=status,
        person=PersonFactory(**person),
    )


def test_generate_makes_a_pdf_per_attendee_only_and_is_idempotent(past_event, settings):
    settings.SITE_URL = "https://portal.bew.example"
    attendee = _participation(
        past_event, "attended", first_name="Jürgen", last_name="Größe", salutation="herr"
    )
    other = _participation(past_event, "attended", first_name="Łukasz", last_name="Yıldız-Żółć")
    confirmed = _participation(past_event, "confirmed", first_name="Björn", last_name="Schäfer")
    cancelled = _participation(past_event, "cancelled")

    result = certificates_generate(event=past_event, actor=None)
    assert (result.created, result.already_present) == (2, 0)
    assert set(Certificate.objects.values_list("participation_id", flat=True)) == {
        attendee.pk,
        other.pk,
    }
    assert not Certificate.objects.filter(participation__in=[confirmed, cancelled]).exists()

    certificate = Certificate.objects.get(participation=attendee)
    data = certificate.file.read()
    assert data.startswith(b"%PDF")
    assert certificate.size == len(data)
    assert certificate.content_type == "application/pdf"
    assert certificate.filename == "Teilnahmebescheinigung K-2609 Jürgen Größe.pdf"
    # The stored name is random and says nothing about the person.
    assert "Gr" not in Path(certificate.file.name).name
    text = pdf_text(data)
    for expected in (
        "Teilnahmebescheinigung",
        "Herr Jürgen Größe",
        "Fachkunde Kanalreinigung und -inspektion",
        "K-2609",
        "Essen, BEW-Zentrum",
        "Dauer: 3 Tage",
        settings.PROVIDER["long_name"],
        settings.PROVIDER["street"],
        timezone.localdate().strftime("%d.%m.%Y"),
        f"https://portal.bew.example/bescheinigung/pruefen/{certificate.verification_code}/",
    ):
        assert expected in text, expected
    # Letters outside Latin-1 survive (embedded DejaVu fonts).
    assert "Łukasz Yıldız-Żółć" in pdf_text(
        Certificate.objects.get(participation=other).file.read()
    )
    # The QR code is on the page.
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1

    # One mail per certificate, to the correspondence address, rendered in German.
    mails = OutboxMail.objects.filter(template="certificate_available")
    assert mails.count() == 2
    message = mail_render(mails.get(context__certificate_id=certificate.pk))
    assert message.to == ["personal@eb.example", attendee.person.email]
    assert "Jürgen Größe" in message.body and "K-2609" in message.body
    assert attendee.person.username in message.body
    assert AuditEntry.objects.filter(action="event.certificates_generate").count() == 1

    # Twice: nothing new, no second mail.
    again = certificates_generate(event=past_event, actor=None)
    assert (again.created, again.already_present) == (0, 2)
    assert Certificate.objects.count() == 2 and mails.count() == 2

    # Attendance recorded later for one more: only that one is added.
    confirmed.status = "attended"
    confirmed.save()
    assert certificates_generate(event=past_event, actor=None).created == 1
    assert Certificate.objects.count() == 3


def test_codes_are_long_random_and_unique(past_event):
    for _ in range(20):
        _participation(past_event, "attended")
    certificates_generate(event=past_event, actor=None)
    codes = list(Certificate.objects.values_list("verification_code", flat=True))
    assert len(set(codes)) == 20
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{24}", code) for code in codes)


def test_generate_is_refused_for_cancelled_or_future_events(past_event):
    future = EventFactory()
    ParticipationFactory(registration=RegistrationFactory(event=future), status="attended")
    with pytest.raises(ValidationError, match="noch nicht begonnen"):
        certificates_generate(event=future, actor=None)
    past_event.status = Event.Status.CANCELLED
    past_event.save()
    with pytest.raises(ValidationError, match="abgesagt"):
        certificates_generate(event=past_event, actor=None)
    assert not Certificate.objects.exists()


def test_a_failure_mid_generation_leaves_no_file_behind(past_event, settings, monkeypatch):
    _participation(past_event, "attended")
    _participation(past_event, "attended")
    from kundenportal.documents import services

    calls = []

    def failing_enqueue(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services, "mail_enqueue_many", failing_enqueue)
    with pytest.raises(RuntimeError):
        certificates_generate(event=past_event, actor=None)
    assert calls
    assert not Certificate.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _pdf(name: str, body: bytes = b"%PDF-1.4 Skript") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, "application/pdf")


def test_upload_several_documents_at_once(past_event):
    staff = PersonFactory(is_staff=True)
    documents = course_documents_upload(
        event=past_event,
        uploads=[
            _pdf("Skript Kanalreinigung.pdf"),
            SimpleUploadedFile("Übungen.docx", b"PK\x03\x04 docx"),
            SimpleUploadedFile("Foto Schacht.JPG", b"\xff\xd8\xff\xe0 jpg"),
        ],
        actor=staff,
    )
    assert [d.title for d in documents] == ["Skript Kanalreinigung", "Übungen", "Foto Schacht"]
    assert [d.content_type for d in documents] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
    ]
    assert all(d.uploaded_by == staff and d.file.name.startswith("unterlagen/") for d in documents)
    assert "Kanalreinigung" not in documents[0].file.name
    assert documents[1].file.read() == b"PK\x03\x04 docx"
    entry = AuditEntry.objects.get(action="event.documents_upload")
    assert entry.data["files"] == ["Skript Kanalreinigung.pdf", "Übungen.docx", "Foto Schacht.JPG"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "nicht erlaubt"),
        (SimpleUploadedFile("Skript.pdf", b"<html><script>"), "keine gültige PDF-Datei"),
        (SimpleUploadedFile("leer.pdf", b""), "ist leer"),
    ],
)
def test_one_bad_file_stores_nothing(past_event, settings, bad, message):
    with pytest.raises(ValidationError) as info:
        course_documents_upload(
            event=past_event, uploads=[_pdf("gut.pdf"), bad, _pdf("auch gut.pdf")], actor=None
        )
    assert any(message in m for m in info.value.messages)
    assert not CourseDocument.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_size_limit(past_event, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="höchstens 100"):
        course_documents_upload(event=past_event, uploads=[_pdf("x.pdf", b"%PDF-" + b"x" * 100)])


def test_a_failing_save_in_the_middle_removes_the_files_already_stored(
    past_event, settings, monkeypatch
):
    original = CourseDocument.full_clean
    seen = []

    def full_clean(self, *args, **kwargs):
        seen.append(self)
        if len(seen) == 2:
            raise ValidationError("kaputt")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CourseDocument, "full_clean", full_clean)
    with pytest.raises(ValidationError):
        course_documents_upload(event=past_event, uploads=[_pdf("a.pdf"), _pdf("b.pdf")])
    assert not CourseDocument.objects.exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_upload_a_ready_certificate_for_one_participation(past_event):
    staff = PersonFactory(is_staff=True)
    participation = _participation(past_event, "attended", first_name="Käthe")
    certificate = certificate_upload(
        participation=participation,
        upload=_pdf("Zertifikat Käthe.pdf", b"%PDF-1.7 fertig"),
        issued_on=dt.date(2026, 11, 2),
        actor=staff,
    )
    assert certificate.filename == "Zertifikat Käthe.pdf"
    assert certificate.file.read() == b"%PDF-1.7 fertig"
    assert certificate.issued_on == dt.date(2026, 11, 2)
    assert len(certificate.verification_code) == 24
    assert OutboxMail.objects.filter(
        template="certificate_available", context__certificate_id=certificate.pk
    ).exists()
    assert AuditEntry.objects.filter(action="certificate.upload", actor=staff).exists()
    # A second one for the same participation, or a non-PDF, or a non-attendee: refused.
    with pytest.raises(ValidationError, match="bereits eine Bescheinigung"):
        certificate_upload(participation=participation, upload=_pdf("b.pdf"), actor=staff)
    with pytest.raises(ValidationError, match="erfasster Teilnahme"):
        certificate_upload(
            participation=_participation(past_event, Participation.Status.CONFIRMED),
            upload=_pdf("c.pdf"),
            actor=staff,
        )
    with pytest.raises(ValidationError, match="nicht erlaubt"):
        certificate_upload(
            participation=_participation(past_event, "attended"),
            upload=SimpleUploadedFile("c.docx", b"PK\x03\x04"),
            actor=staff,
        )
    assert Certificate.objects.count() == 1


def test_existing_certificates_keep_counting_as_present(past_event):
    CertificateFactory(participation=_participation(past_event, "attended"))
    _participation(past_event, "attended")
    result = certificates_generate(event=past_event, actor=None)
    assert (result.created, result.already_present) == (1, 1)


def test_demo_certificates_are_real_pdfs_with_a_working_check(client, settings):
    import io as _io

    from django.core.management import call_command

    call_command("seed_demo", stdout=_io.StringIO())
    certificate = Certificate.objects.get(
        participation__event__number="W-2301", participation__person__username="juergen.groesse"
    )
    text = pdf_text(certificate.file.read())
    assert "Jürgen Größe" in text and "Abwassermeister-Vorbereitung" in text
    assert certificate.verification_code in text.replace(" ", "")
    assert not OutboxMail.objects.filter(template="certificate_available").exists()
    check = client.get(f"/bescheinigung/pruefen/{certificate.verification_code}/")
    assert check.status_code == 200 and "Jürgen Größe" in check.content.decode()


def test_the_mail_of_a_deleted_certificate_is_dropped(past_event):
    from kundenportal.notifications.rendering import MailObsolete

    _participation(past_event, "attended")
    certificates_generate(event=past_event, actor=None)
    mail = OutboxMail.objects.get(template="certificate_available")
    assert mail_render(mail).subject
    Certificate.objects.all().delete()
    with pytest.raises(MailObsolete):
        mail_render(mail)
