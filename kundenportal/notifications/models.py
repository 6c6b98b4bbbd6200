import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _nonce() -> str:
    return secrets.token_hex(16)


class OutboxMail(models.Model):
    """A mail waiting for, or done with, delivery.

    Added in the same transaction as the change that causes it; a worker delivers it with
    retries. ``context`` holds plain data only, never a secret: credentials are rendered at
    send time. The row itself carries the whole delivery state, so a crashed worker loses
    nothing: the sweeper puts rows stuck in SENDING back into the queue.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Wartet")
        SENDING = "sending", _("Wird versandt")
        SENT = "sent", _("Versandt")
        FAILED = "failed", _("Fehlgeschlagen")
        # The mail lost its reason before it went out (e.g. the account was deleted).
        CANCELLED = "cancelled", _("Entfallen")

    template = models.CharField(_("Vorlage"), max_length=100)
    to = models.JSONField(_("Empfänger"), default=list)
    context = models.JSONField(_("Daten"), default=dict, blank=True)
    # Makes enqueueing idempotent, e.g. "confirmation:participation:42".
    dedupe_key = models.CharField(
        _("Eindeutiger Schlüssel"), max_length=200, unique=True, null=True, blank=True
    )
    # Random per row. With the pk and SECRET_KEY it seeds send-time secrets (an initial
    # password), so a mail sent again after a crash carries the same password, while the
    # nonce alone reveals nothing and a reused pk (SQLite may reuse ids) never repeats one.
    # Replaced when the mail is marked sent, so a delivered row cannot reproduce its secrets.
    nonce = models.CharField(_("Zufallswert"), max_length=64, default=_nonce, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("Nächster Versuch"), default=timezone.now)
    locked_at = models.DateTimeField(_("In Arbeit seit"), null=True, blank=True)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("Versandt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausgehende E-Mail")
        verbose_name_plural = _("Ausgehende E-Mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} an {', '.join(self.to)}"

    def secret_seed(self, purpose: str) -> bytes:
        """Seed for a secret made at send time; stable across retries of this row only."""
        return f"outbox:{self.pk}:{self.nonce}:{purpose}".encode()
