import datetime as dt
import logging
import mimetypes
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.core.formatting import date_text
from kundenportal.core.uploads import upload_check
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context, event_place
from kundenportal.notifications.services import MailSpec, mail_enqueue_many
from kundenportal.registrations.models import Participation

from . import rules
from .models import Certificate, CourseDocument, OnlineLink, StoredFile
from .pdf import CertificateContent, certificate_pdf


def clean_filename(name: str, *, default: str = "Dokument.pdf") -> str:
    """The name a download gets: no folders, no control characters, umlauts kept."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable())
    name = name.strip(" .")
    return name[:200] or default


def file_metadata_apply(*, target: StoredFile, upload: File) -> None:
    """Fill ``filename``, ``content_type`` and ``size`` from an uploaded file.

    The content type is derived from the file name, never taken from the browser.
    """
    target.filename = clean_filename(getattr(upload, "name", ""))
    guessed, _encoding = mimetypes.guess_type(target.filename)
    target.content_type = guessed or "application/octet-stream"
    target.size = upload.size or 0


@transaction.atomic
def course_document_create(*, event: Event, title: str, upload: File, actor=None) -> CourseDocument:
    document = CourseDocument(event=event, title=title.strip(), uploaded_by=actor)
    file_metadata_apply(target=document, upload=upload)
    document.file.save(document.filename, upload, save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def online_link_create(*, event: Event, url: str, title: str = "", note: str = "") -> OnlineLink:
    link = OnlineLink(event=event, url=url.strip(), note=note.strip())
    if title:
        link.title = title.strip()
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def certificate_create(
    *,
    participation: Participation,
    upload: File,
    issued_on: dt.date,
    title: str = "",
    actor=None,
) -> Certificate:
    certificate = Certificate(participation=participation, issued_on=issued_on)
    if title:
        certificate.title = title.strip()
    file_metadata_apply(target=certificate, upload=upload)
    certificate.file.save(certificate.filename, upload, save=False)
    certificate.full_clean()
    certificate.save()
    audit_log(
        actor=actor,
        action="certificate.create",
        obj=certificate,
        data={"participation": participation.pk},
    )
    return certificate


# --- Back office: bulk upload, certificate generation and upload --------


logger = logging.getLogger(__name__)

CERTIFICATE_MAIL = "certificate_available"
# Certificates are made and committed in chunks: a failure keeps what was done, and the next
# run (the action is idempotent) continues where it stopped.
CERTIFICATE_CHUNK = 50


@contextmanager
def _atomic_with_files():
    """A transaction for rows with files. Storage is not transactional: files saved inside
    the block are deleted again if the block or its commit fails, so a rolled-back upload
    leaves nothing behind. Yields the list to append each saved ``FieldFile`` to."""
    saved: list = []
    try:
        with transaction.atomic():
            yield saved
    except BaseException:
        for field_file in saved:
            try:
                field_file.storage.delete(field_file.name)
            except Exception:  # pragma: no cover - best effort, the original error matters
                logger.exception("Could not delete %s after a failed upload", field_file.name)
        raise


def course_documents_upload(
    *, event: Event, uploads: Sequence[File], actor: Any = None, title: str = ""
) -> list[CourseDocument]:
    """Store several course documents of ``event`` at once: all of them, or none.

    Every file is checked first (size, type, content); the title is ``title`` or else the file
    name without its extension. ``actor`` is a staff account or an integration (the API),
    which the audit entry names.
    """
    if not uploads:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Datei aus."))
    errors = [error for upload in uploads for error in upload_check(upload)]
    if errors:
        raise ValidationError(errors)
    documents = []
    with _atomic_with_files() as saved:
        for upload in uploads:
            document = CourseDocument(
                event=event, uploaded_by=actor if getattr(actor, "pk", None) else None
            )
            file_metadata_apply(target=document, upload=upload)
            document.title = (
                title.strip()[:200]
                or PurePosixPath(document.filename).stem[:200]
                or document.filename
            )
            upload.seek(0)
            document.file.save(document.filename, upload, save=False)
            saved.append(document.file)
            document.full_clean()
            document.save()
            documents.append(document)
        audit_log(
            actor=actor,
            action="event.documents_upload",
            obj=event,
            data={"documents": [d.pk for d in documents], "files": [d.filename for d in documents]},
        )
    return documents


def certificate_check_url(code: str) -> str:
    """The public check page of a certificate, absolute (it is printed and in the QR code)."""
    return settings.SITE_URL + reverse("documents:certificate_check", args=[code])


def _certificate_content(
    certificate: Certificate, participation: Participation
) -> CertificateContent:
    provider = settings.PROVIDER
    event = participation.event
    person = participation.person
    salutation = person.get_salutation_display() if person.salutation else ""
    if event.first_day == event.last_day:
        dates = _("am %(day)s") % {"day": date_text(event.first_day)}
    else:
        dates = _("vom %(first)s bis %(last)s") % {
            "first": date_text(event.first_day),
            "last": date_text(event.last_day),
        }
    return CertificateContent(
        provider_long_name=provider["long_name"],
        provider_address=f"{provider['street']} · {provider['postal_code']} {provider['city']}",
        provider_contact=" · ".join(
            part for part in (provider["phone"], provider["email"], provider["website"]) if part
        ),
        participant_name=" ".join(p for p in (salutation, person.get_full_name()) if p),
        event_number=event.number,
        event_title=event.title,
        event_dates=dates,
        event_place=event_place(event),
        duration_days=event.duration_days,
        issue_place=settings.CERTIFICATE_ISSUE_PLACE or provider["city"],
        issued_on=date_text(certificate.issued_on),
        verification_code=certificate.verification_code,
        verification_url=certificate_check_url(certificate.verification_code),
        qualification_line=qualification_text(
            name=str(event.qualification) if event.qualification else "",
            refresh_months=event.qualification.refresh_months if event.qualification else 0,
            role=event.qualification_role,
            last_day=event.last_day,
        ),
    )


def qualification_text(*, name: str, refresh_months: int, role: str, last_day: dt.date) -> str:
    """The sentence a certificate (PDF and check page) says about the qualification its course
    grants or refreshes: valid until the course's last day plus the interval. Later courses
    may extend it; the certificate speaks only for itself."""
    if not name or not role:
        return ""
    until = date_text(
        rules.qualification_valid_until(last_day=last_day, refresh_months=refresh_months)
    )
    kind = (
        _("Grundlehrgang") if role == Event.QualificationRole.GRANTS else _("Fortbildungslehrgang")
    )
    return _("%(kind)s zur Fachkunde „%(name)s“ – Fachkunde gültig bis %(until)s") % {
        "kind": kind,
        "name": name,
        "until": until,
    }


def certificate_filename(participation: Participation) -> str:
    return clean_filename(
        f"Teilnahmebescheinigung {participation.event.number} "
        f"{participation.person.first_name} {participation.person.last_name}.pdf"
    )


def _certificate_mail(certificate: Certificate, participation: Participation) -> MailSpec:
    event = participation.event
    return MailSpec(
        template=CERTIFICATE_MAIL,
        to=[
            participation.registration.correspondence_email,
            participation.email or participation.person.email,
        ],
        context={
            "certificate_id": certificate.pk,
            "participant": {"full_name": participation.person.get_full_name()},
            "event": event_mail_context(event),
            "username": participation.person.username,
            "keep_until": date_text(rules.certificate_available_until(certificate.issued_on)),
        },
        dedupe_key=f"certificate_available:{certificate.pk}",
    )


def participations_without_certificate(*, event: Event) -> QuerySet[Participation]:
    """ATTENDED participations of ``event`` that have no certificate yet."""
    return Participation.objects.filter(
        event=event, status=Participation.Status.ATTENDED, certificate__isnull=True
    )


@dataclass(frozen=True)
class CertificateGeneration:
    created: int
    already_present: int


def _certificates_generate_chunk(
    *, event: Event, actor: Any, issued_on: dt.date, notify: bool
) -> int:
    with _atomic_with_files() as saved:
        # One generation per event at a time: the event row is the lock, and the list of
        # participations without a certificate is read only once it is held.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        chunk = list(
            participations_without_certificate(event=event)
            .select_related("person", "event__qualification", "registration")
            .order_by("id")[:CERTIFICATE_CHUNK]
        )
        certificates = []
        for participation in chunk:
            certificate = Certificate(participation=participation, issued_on=issued_on)
            pdf = certificate_pdf(_certificate_content(certificate, participation))
            certificate.filename = certificate_filename(participation)
            certificate.content_type = "application/pdf"
            certificate.size = len(pdf)
            certificate.file.save(certificate.filename, ContentFile(pdf), save=False)
            saved.append(certificate.file)
            certificates.append(certificate)
        if not certificates:
            return 0
        Certificate.objects.bulk_create(certificates)
        if notify:
            mail_enqueue_many(mails=[_certificate_mail(c, c.participation) for c in certificates])
        audit_log(
            actor=actor,
            action="event.certificates_generate",
            obj=event,
            data={
                "certificates": [c.pk for c in certificates],
                "participations": [p.pk for p in chunk],
            },
        )
        return len(certificates)


def certificates_generate(
    *, event: Event, actor: Any = None, issued_on: dt.date | None = None, notify: bool = True
) -> CertificateGeneration:
    """A PDF certificate for every ATTENDED participation of ``event`` that has none.

    Idempotent: participations with a certificate (generated or uploaded) are skipped, so a
    second run, or two staff members at once, make no second certificate. Each new
    certificate gets the ``certificate_available`` mail. Works in committed chunks of
    ``CERTIFICATE_CHUNK``: a failure keeps the finished chunks and a new run continues.
    ``notify=False`` sends no mail (demo data, certificates of long ago).
    """
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("Für eine abgesagte Veranstaltung gibt es keine Bescheinigungen."))
    issued_on = issued_on or timezone.localdate()
    if event.first_day > issued_on:
        raise ValidationError(_("Die Veranstaltung hat noch nicht begonnen."))
    already = Certificate.objects.filter(participation__event=event).count()
    created = 0
    while True:
        made = _certificates_generate_chunk(
            event=event, actor=actor, issued_on=issued_on, notify=notify
        )
        if not made:
            break
        created += made
    return CertificateGeneration(created=created, already_present=already)


def certificate_upload(
    *,
    participation: Participation,
    upload: File,
    actor: Any,
    issued_on: dt.date | None = None,
) -> Certificate:
    """Staff upload a ready PDF as the certificate of one ATTENDED participation."""
    problems = upload_check(upload, allowed=("pdf",))
    if problems:
        raise ValidationError(problems)
    with _atomic_with_files() as saved:
        participation = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("person", "event__qualification", "registration")
            .get(pk=participation.pk)
        )
        if participation.status != Participation.Status.ATTENDED:
            raise ValidationError(
                _("Eine Bescheinigung gibt es nur für Teilnahmen mit erfasster Teilnahme.")
            )
        if Certificate.objects.filter(participation=participation).exists():
            raise ValidationError(
                _("Für diese Teilnahme gibt es bereits eine Bescheinigung. Löschen Sie sie zuerst.")
            )
        upload.seek(0)
        certificate = Certificate(
            participation=participation, issued_on=issued_on or timezone.localdate()
        )
        file_metadata_apply(target=certificate, upload=upload)
        certificate.file.save(certificate.filename, upload, save=False)
        saved.append(certificate.file)
        certificate.full_clean()
        certificate.save()
        mail_enqueue_many(mails=[_certificate_mail(certificate, participation)])
        audit_log(
            actor=actor,
            action="certificate.upload",
            obj=certificate,
            data={"participation": participation.pk, "file": certificate.filename},
        )
    return certificate


# --- Revocation and re-issue ----------------------------------------------------------------


def _certificate_locked(certificate: Certificate) -> Certificate:
    # The participation row orders every change to its certificates (generation, upload,
    # revocation, re-issue), so two staff members cannot both re-issue one certificate.
    Participation.objects.select_for_update().filter(pk=certificate.participation_id).first()
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("participation__person", "participation__event")
        .get(pk=certificate.pk)
    )


def _revoke(certificate: Certificate, *, reason: str, actor: Any) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie den Grund des Widerrufs an."))
    if certificate.is_revoked:
        raise ValidationError(
            _("Die Bescheinigung %(code)s ist bereits widerrufen.")
            % {"code": certificate.verification_code}
        )
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor if getattr(actor, "pk", None) else None
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor: Any) -> Certificate:
    """Revoke a certificate (Widerruf): it stays on record, the public check page says
    "widerrufen" with the date, the participant can no longer download it, and no mail
    announcing it goes out any more."""
    certificate = _certificate_locked(certificate)
    _revoke(certificate, reason=reason, actor=actor)
    audit_log(
        actor=actor,
        action="certificate.revoke",
        obj=certificate,
        data={
            "participation": certificate.participation_id,
            "reason": certificate.revocation_reason,
        },
    )
    return certificate


def certificate_reissue(
    *, certificate: Certificate, reason: str, actor: Any, upload: File | None = None
) -> Certificate:
    """Issue a corrected certificate in place of ``certificate``: a new one with a new code
    and today's issue date (generated from the current data, or ``upload`` as a ready PDF),
    the old one revoked and pointing to the new one. The participant gets the usual mail."""
    if upload is not None:
        problems = upload_check(upload, allowed=("pdf",))
        if problems:
            raise ValidationError(problems)
    with _atomic_with_files() as saved:
        old = _certificate_locked(certificate)
        participation = (
            Participation.objects.select_related("person", "event__qualification", "registration")
            .filter(pk=old.participation_id)
            .get()
        )
        if participation.status != Participation.Status.ATTENDED:
            raise ValidationError(
                _("Eine Bescheinigung gibt es nur für Teilnahmen mit erfasster Teilnahme.")
            )
        # Revoke first: the participation may hold one valid certificate only.
        _revoke(old, reason=reason, actor=actor)
        new = Certificate(participation=participation, issued_on=timezone.localdate())
        new.title = old.title
        if upload is None:
            pdf = certificate_pdf(_certificate_content(new, participation))
            new.filename = certificate_filename(participation)
            new.content_type = "application/pdf"
            new.size = len(pdf)
            new.file.save(new.filename, ContentFile(pdf), save=False)
        else:
            upload.seek(0)
            file_metadata_apply(target=new, upload=upload)
            new.file.save(new.filename, upload, save=False)
        saved.append(new.file)
        new.full_clean()
        new.save()
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        mail_enqueue_many(mails=[_certificate_mail(new, participation)])
        audit_log(
            actor=actor,
            action="certificate.reissue",
            obj=new,
            data={
                "participation": participation.pk,
                "replaces": old.pk,
                "reason": old.revocation_reason,
                "uploaded": upload is not None,
            },
        )
    return new
