"""Revoking a certificate and issuing a corrected one: check page, portal, mail, admin."""

import datetime as dt
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kundenportal.audit.models import AuditEntry
from kundenportal.documents.mail import certificate_mail_context
from kundenportal.documents.models import Certificate
from kundenportal.documents.services import (
    certificate_reissue,
    certificate_revoke,
    certificates_generate,
)
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete
from tests.factories import CertificateFactory, EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


@pytest.fixture
def generated(staff):
    """A generated certificate of a participant whose name was misspelt."""
    today = timezone.localdate()
    event = EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung",
        first_day=today - dt.timedelta(days=3),
        last_day=today - dt.timedelta(days=1),
    )
    participation = ParticipationFactory(
        registration__event=event,
        person__first_name="Jürgen",
        person__last_name="Grösse",
        status="attended",
    )
    certificates_generate(event=event, actor=staff)
    OutboxMail.objects.all().delete()
    return Certificate.objects.get(participation=participation)


def check_page(client, code):
    return client.get(reverse("documents:certificate_check", args=[code]))


def pdf_text(certificate) -> str:
    with certificate.file.open("rb") as handle:
        data = handle.read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_revoked_certificate_shows_as_revoked_on_the_check_page(client, staff, generated):
    assert "ist gültig" in check_page(client, generated.verification_code).content.decode()
    certificate_revoke(certificate=generated, reason="Teilnahme irrtümlich erfasst", actor=staff)
    response = check_page(client, generated.verification_code)
    html = response.content.decode()
    assert response.status_code == 200
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"am {today} widerrufen" in html
    assert "nicht mehr gültig" in html
    assert "ist gültig" not in html
    # The reason is internal.
    assert "irrtümlich" not in html
    entry = AuditEntry.objects.get(action="certificate.revoke")
    assert entry.actor == staff
    assert entry.data["reason"] == "Teilnahme irrtümlich erfasst"
    # The form for typed codes leads to the same answer.
    typed = client.get(
        reverse("documents:certificate_check_form"), {"code": generated.verification_code}
    )
    assert typed.status_code == 302


def test_revoking_needs_a_reason_and_happens_once(staff, generated):
    with pytest.raises(ValidationError, match="Grund"):
        certificate_revoke(certificate=generated, reason="  ", actor=staff)
    certificate_revoke(certificate=generated, reason="falsch", actor=staff)
    with pytest.raises(ValidationError, match="bereits widerrufen"):
        certificate_revoke(certificate=generated, reason="nochmal", actor=staff)
    generated.refresh_from_db()
    assert generated.revocation_reason == "falsch"
    assert generated.revoked_by == staff


def test_participant_sees_a_revoked_certificate_as_revoked_and_cannot_download_it(
    client, staff, generated
):
    person = generated.participation.person
    client.force_login(person)
    download = reverse("portal:certificate_download", args=[generated.pk])
    assert client.get(download).status_code == 200
    certificate_revoke(certificate=generated, reason="falsch", actor=staff)
    assert client.get(download).status_code == 404
    html = client.get(reverse("portal:documents")).content.decode()
    assert "widerrufen am" in html
    assert download not in html


def test_an_unsent_announcement_of_a_revoked_certificate_is_dropped(staff, generated):
    mail = OutboxMail(template="certificate_available", context={"certificate_id": generated.pk})
    assert certificate_mail_context(mail) == {}
    certificate_revoke(certificate=generated, reason="falsch", actor=staff)
    with pytest.raises(MailObsolete):
        certificate_mail_context(mail)


def test_reissue_generates_a_corrected_certificate_with_a_new_code(client, staff, generated):
    person = generated.participation.person
    person.last_name = "Größe"
    person.save()
    new = certificate_reissue(certificate=generated, reason="Name falsch geschrieben", actor=staff)
    generated.refresh_from_db()
    assert new.pk != generated.pk
    assert new.verification_code != generated.verification_code
    assert new.participation_id == generated.participation_id
    assert new.revoked_at is None and new.issued_on == timezone.localdate()
    assert generated.revoked_at is not None
    assert generated.replaced_by == new
    assert "Jürgen Größe" in pdf_text(new)
    assert new.verification_code.replace("-", "") in pdf_text(new).replace("-", "")
    # The old code: revoked, replaced; the new one: valid.
    old_html = check_page(client, generated.verification_code).content.decode()
    assert "widerrufen" in old_html and "durch eine berichtigte Bescheinigung" in old_html
    assert new.verification_code not in old_html
    assert "ist gültig" in check_page(client, new.verification_code).content.decode()
    # The participant is told, and sees only the corrected one.
    mail = OutboxMail.objects.get(template="certificate_available")
    assert mail.context["certificate_id"] == new.pk
    client.force_login(person)
    html = client.get(reverse("portal:documents")).content.decode()
    assert reverse("portal:certificate_download", args=[new.pk]) in html
    assert "widerrufen" not in html
    entry = AuditEntry.objects.get(action="certificate.reissue")
    assert entry.data["replaces"] == generated.pk


def test_reissue_with_an_uploaded_pdf(staff, generated):
    upload = SimpleUploadedFile("Bescheinigung berichtigt.pdf", b"%PDF-1.4 berichtigt")
    new = certificate_reissue(certificate=generated, reason="Dauer", actor=staff, upload=upload)
    assert new.filename == "Bescheinigung berichtigt.pdf"
    with new.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 berichtigt"


def test_a_revoked_certificate_cannot_be_reissued_twice(staff, generated):
    certificate_reissue(certificate=generated, reason="Name", actor=staff)
    with pytest.raises(ValidationError, match="bereits widerrufen"):
        certificate_reissue(certificate=generated, reason="Name", actor=staff)
    assert Certificate.objects.filter(participation=generated.participation).count() == 2


def test_a_participation_holds_one_valid_certificate_only(generated):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(participation=generated.participation)


def test_a_revoked_certificate_is_not_generated_again(staff, generated):
    certificate_revoke(certificate=generated, reason="nicht teilgenommen", actor=staff)
    result = certificates_generate(event=generated.participation.event, actor=staff)
    assert result.created == 0


# --- admin ---------------------------------------------------------------------------------


def test_admin_revoke_from_the_certificate_page_with_a_reason(client, staff, generated):
    client.force_login(staff)
    change = client.get(reverse("admin:documents_certificate_change", args=[generated.pk]))
    revoke_url = reverse("admin:documents_certificate_revoke", args=[generated.pk])
    assert revoke_url in change.content.decode()
    form = client.get(revoke_url)
    assert "Grund des Widerrufs" in form.content.decode()
    missing = client.post(revoke_url, {"reason": ""})
    assert "Bitte geben Sie den Grund" in missing.content.decode()
    done = client.post(revoke_url, {"reason": "Doppelt ausgestellt"}, follow=True)
    assert "1 Bescheinigung widerrufen" in done.content.decode()
    generated.refresh_from_db()
    assert generated.revocation_reason == "Doppelt ausgestellt"
    # Now a record: shown, not editable, no second revocation offered.
    change = client.get(reverse("admin:documents_certificate_change", args=[generated.pk]))
    html = change.content.decode()
    assert "widerrufen am" in html and "Doppelt ausgestellt" in html
    assert 'name="title"' not in html and revoke_url not in html


def test_admin_revoke_action_on_the_list_asks_for_the_reason(client, staff, generated):
    other = CertificateFactory()
    client.force_login(staff)
    data = {"action": "revoke_certificates", ACTION_CHECKBOX_NAME: [generated.pk, other.pk]}
    page = client.post(reverse("admin:documents_certificate_changelist"), data)
    assert page.status_code == 200
    assert "Grund des Widerrufs" in page.content.decode()
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()
    client.post(
        reverse("admin:documents_certificate_changelist"),
        {**data, "post": "yes", "reason": "Falsche Veranstaltung"},
    )
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 2


def test_admin_reissue_page(client, staff, generated):
    client.force_login(staff)
    url = reverse("admin:documents_certificate_reissue", args=[generated.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Name korrigiert"})
    new = Certificate.objects.get(replaces=generated)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:documents_certificate_change", args=[new.pk])


def test_revoking_needs_its_own_permission(client, generated):
    clerk = PersonFactory(username="sach.bearbeiter", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="documents",
            codename__in=["view_certificate", "change_certificate"],
        )
    )
    client.force_login(clerk)
    revoke_url = reverse("admin:documents_certificate_revoke", args=[generated.pk])
    reissue_url = reverse("admin:documents_certificate_reissue", args=[generated.pk])
    assert client.get(revoke_url).status_code == 403
    assert client.post(reissue_url, {"reason": "x"}).status_code == 403
    change = client.get(reverse("admin:documents_certificate_change", args=[generated.pk]))
    assert revoke_url not in change.content.decode()
    changelist = client.get(reverse("admin:documents_certificate_changelist"))
    assert "revoke_certificates" not in changelist.content.decode()
    clerk.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    client.force_login(clerk)
    assert client.get(revoke_url).status_code == 200
