import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

from . import rules


def _private_name(folder: str, filename: str) -> str:
    # The stored name is random and says nothing about person or event; the file is only
    # reachable through the portal's download views. The original name lives in ``filename``.
    suffix = PurePosixPath(filename or "").suffix.lower()
    if not suffix.isascii() or len(suffix) > 10 or not suffix[1:].isalnum():
        suffix = ""
    return f"{folder}/{secrets.token_hex(16)}{suffix}"


def course_document_upload_to(instance, filename: str) -> str:
    return _private_name("unterlagen", filename)


def certificate_upload_to(instance, filename: str) -> str:
    return _private_name("bescheinigungen", filename)


# Verification codes: 24 characters from 32 unambiguous ones (120 random bits), so nobody
# finds a valid code by trying; printed on the certificate and encoded in its QR code.
VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
VERIFICATION_CODE_LENGTH = 24


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


class StoredFile(models.Model):
    """A file in Django's default storage (local disk or S3) without any public URL."""

    filename = models.CharField(
        _("Dateiname"), max_length=255, help_text=_("So heißt die Datei beim Herunterladen.")
    )
    content_type = models.CharField(_("Dateityp"), max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)

    class Meta:
        abstract = True


class CourseDocument(StoredFile):
    """A file of an event for its participants (Veranstaltungsunterlagen, Skript).

    FAQ: online until the 42nd day after the event's last day, then deleted.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("Veranstaltung"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(_("Datei"), upload_to=course_document_upload_to, max_length=255)
    uploaded_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Hochgeladen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Veranstaltungsunterlage")
        verbose_name_plural = _("Veranstaltungsunterlagen")
        ordering = ["event", "title", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.event.number})"

    @property
    def online_until(self):
        return rules.course_document_online_until(self.event.last_day)


class OnlineLink(models.Model):
    """The join link of an online event; shown to confirmed participants only."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("Veranstaltung"),
        on_delete=models.CASCADE,
        related_name="online_links",
    )
    title = models.CharField(_("Bezeichnung"), max_length=200, default="Zugang zur Online-Schulung")
    url = models.URLField(_("Link"), max_length=500)
    note = models.CharField(
        _("Hinweis"), max_length=300, blank=True, help_text=_("z. B. Meeting-ID oder Kenncode")
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Link zur Online-Veranstaltung")
        verbose_name_plural = _("Links zu Online-Veranstaltungen")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.event.number})"

    @property
    def online_until(self):
        return rules.course_document_online_until(self.event.last_day)


class Certificate(StoredFile):
    """Proof of attendance for one participation (Bescheinigung, Zertifikat); kept 10 years."""

    # A participation has at most one valid certificate; revoked ones stay beside it (the
    # check page must still answer "widerrufen" for their codes).
    participation = models.ForeignKey(
        Participation,
        verbose_name=_("Teilnahme"),
        on_delete=models.CASCADE,
        related_name="certificates",
        related_query_name="certificate",
    )
    title = models.CharField(_("Bezeichnung"), max_length=200, default="Teilnahmebescheinigung")
    issued_on = models.DateField(_("Ausgestellt am"), db_index=True)
    file = models.FileField(_("Datei"), upload_to=certificate_upload_to, max_length=255)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    # Public check page /bescheinigung/pruefen/<code>/ (confirms name, event and date only).
    verification_code = models.CharField(
        _("Prüfcode"),
        max_length=VERIFICATION_CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
    )

    revoked_at = models.DateTimeField(_("Widerrufen am"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Widerrufen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revocation_reason = models.TextField(_("Grund des Widerrufs"), blank=True, editable=False)
    # Set when a corrected certificate was issued in place of this one.
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("Ersetzt durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        editable=False,
    )

    class Meta:
        verbose_name = _("Bescheinigung")
        verbose_name_plural = _("Bescheinigungen")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_participation",
                violation_error_message=_(
                    "Für diese Teilnahme gibt es bereits eine Bescheinigung."
                ),
            ),
        ]
        permissions = [
            ("revoke_certificate", _("Bescheinigungen widerrufen und neu ausstellen")),
            ("export_certificates", _("Alle Bescheinigungen einer Veranstaltung herunterladen")),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.participation}"

    @property
    def available_until(self):
        return rules.certificate_available_until(self.issued_on)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
