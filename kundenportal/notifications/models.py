from django.db import models
from django.utils import timezone


class OutboxMail(models.Model):
    """A mail waiting for, or done with, delivery.

    Added in the same transaction as the change that causes it; a worker delivers it with
    retries. ``context`` holds plain data only, never a secret: credentials are rendered at
    send time.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Wartet"
        SENDING = "sending", "Wird versandt"
        SENT = "sent", "Versandt"
        FAILED = "failed", "Fehlgeschlagen"

    template = models.CharField("Vorlage", max_length=100)
    to = models.JSONField("Empfänger", default=list)
    context = models.JSONField("Daten", default=dict, blank=True)
    # Makes enqueueing idempotent, e.g. "confirmation:participation:42".
    dedupe_key = models.CharField(
        "Eindeutiger Schlüssel", max_length=200, unique=True, null=True, blank=True
    )
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField("Versuche", default=0)
    next_attempt_at = models.DateTimeField("Nächster Versuch", default=timezone.now)
    locked_at = models.DateTimeField("In Arbeit seit", null=True, blank=True)
    last_error = models.TextField("Letzter Fehler", blank=True)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    sent_at = models.DateTimeField("Versandt am", null=True, blank=True)

    class Meta:
        verbose_name = "Ausgehende E-Mail"
        verbose_name_plural = "Ausgehende E-Mails"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} an {', '.join(self.to)}"
