"""Integrations (Schnittstellen): the provider's own systems that use the API, their webhook
subscriptions, and the durable outbox of webhook deliveries.

No secret is stored in plain text: a token only as its keyed digest (``token_digest``), a
webhook's signing secret encrypted with a key derived from SECRET_KEY (it must be read back to
sign). Payloads of deliveries carry ids and states, never a password or token.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    EVENTS_READ = "events:read", _("Veranstaltungen lesen")
    EVENTS_WRITE = "events:write", _("Veranstaltungen anlegen, ändern, absagen, bestätigen")
    REGISTRATIONS_WRITE = "registrations:write", _("Anmeldungen und Teilnahmen bearbeiten")
    ATTENDANCE_WRITE = "attendance:write", _("Anwesenheit erfassen")
    DOCUMENTS_WRITE = "documents:write", _("Unterlagen und Links bearbeiten")
    CERTIFICATES_WRITE = "certificates:write", _("Bescheinigungen ausstellen und widerrufen")
    PERSONS_READ = "persons:read", _("Personen lesen")
    PERSONS_WRITE = "persons:write", _("Löschanträge stellen, Kunden importieren")
    WEBHOOKS = "webhooks", _("Webhooks verwalten")


class Integration(models.Model):
    """One external system of the provider (ERP, website, CRM) with its API token."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    scopes = models.JSONField(_("Berechtigungen"), default=list, blank=True)
    # Keyed digest of the token (see services.token_digest); the token itself is shown once.
    token_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # The first characters of the token, so staff can tell which token a system uses.
    token_prefix = models.CharField(
        _("Zugangsschlüssel beginnt mit"), max_length=16, blank=True, editable=False
    )
    token_created_at = models.DateTimeField(
        _("Zugangsschlüssel erstellt am"), null=True, blank=True
    )
    is_active = models.BooleanField(_("Aktiv"), default=True)
    revoked_at = models.DateTimeField(_("Widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Zuletzt verwendet"), null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("Anfragen pro Minute"), default=600)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Schnittstelle")
        verbose_name_plural = _("Schnittstellen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        """The name the audit log shows for every action of this integration."""
        return f"Schnittstelle: {self.name}"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` an integration sent with a write, and what it created.

    Written in the transaction of the write, so a retry finds either the whole result or
    nothing. ``fingerprint`` is a hash of the request body: the same key with another body is
    refused instead of silently answering with the first result.
    """

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Wiederholungsschlüssel")
        verbose_name_plural = _("Wiederholungsschlüssel")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "operation", "key"], name="idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"


class WebhookSubscription(models.Model):
    """A URL of an integration that receives the chosen event types, signed with a secret."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("Adresse"), max_length=500)
    event_types = models.JSONField(_("Ereignisse"), default=list)
    # The signing secret, encrypted (services.secret_seal); never shown again after creation.
    secret_sealed = models.TextField(editable=False)
    is_active = models.BooleanField(_("Aktiv"), default=True)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook-Abonnement")
        verbose_name_plural = _("Webhook-Abonnements")
        ordering = ["integration__name", "id"]

    def __str__(self) -> str:
        return f"{self.integration.name}: {self.url}"


class WebhookDelivery(models.Model):
    """One event for one subscription, waiting for or done with delivery (like the mail
    outbox): written in the transaction of the change, sent by the worker, retried with
    back-off, failed after ``WEBHOOK_GIVE_UP_SECONDS``; staff may send it again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Wartet")
        SENDING = "sending", _("Wird gesendet")
        DELIVERED = "delivered", _("Zugestellt")
        FAILED = "failed", _("Fehlgeschlagen")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("Abonnement"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The event's id as the receiver sees it (header Webhook-Id): one per event, kept on resend.
    event_id = models.UUIDField(_("Ereignis-ID"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("Ereignis"), max_length=50)
    payload = models.JSONField(_("Inhalt"), default=dict)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("Nächster Versuch"), default=timezone.now)
    locked_at = models.DateTimeField(_("In Arbeit seit"), null=True, blank=True)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    last_status_code = models.PositiveIntegerField(_("Letzte Antwort"), null=True, blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    # Give-up time counts from here: the creation, or the moment staff sent it again.
    queued_at = models.DateTimeField(_("Eingeplant am"), default=timezone.now)
    delivered_at = models.DateTimeField(_("Zugestellt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook-Zustellung")
        verbose_name_plural = _("Webhook-Zustellungen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class IntegrationActor:
    """What services get as ``actor`` for a call through the API: the audit log names the
    integration (``audit_label``); it has no ``pk``, so no service takes it for a staff
    account (``revoked_by``, ``uploaded_by`` stay empty)."""

    def __init__(self, integration: Integration):
        self.integration_id = integration.pk
        self.audit_label = integration.audit_label

    def __repr__(self) -> str:
        return f"<IntegrationActor {self.audit_label}>"
