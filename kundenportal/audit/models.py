from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundenportal.core.formatting import datetime_compact


class AuditEntry(models.Model):
    """One action on personal data, by staff, by the system or by the person themselves.

    ``data`` never holds a secret: the service that logs decides what is worth keeping and
    passes only harmless fields (ids, counts, changed field names).
    """

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Ausgeführt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry outlives the actor's account.
    actor_label = models.CharField(_("Ausgeführt von (Name)"), max_length=200, blank=True)
    action = models.CharField(_("Aktion"), max_length=100, db_index=True)
    object_type = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    object_label = models.CharField(_("Objekt"), max_length=300, blank=True)
    data = models.JSONField(_("Details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{datetime_compact(self.created_at)} {self.action} {self.object_label}"
