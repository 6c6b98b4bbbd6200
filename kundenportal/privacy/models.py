from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeletionRequest(models.Model):
    """A participant's request to delete the account ("Konto löschen beantragen").

    FAQ: "Da Ihr Konto personengebunden ist, müssten Sie eine Löschung über das Marketing
    ... beantragen." The portal records the request; staff check it and delete the account.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        DONE = "done", _("Erledigt (Konto gelöscht)")
        REJECTED = "rejected", _("Abgelehnt")

    # SET_NULL: the request stays as a record of what was done once the account is gone.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Teilnehmer/in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deletion_requests",
    )
    username = models.CharField(_("Benutzername"), max_length=150)
    reason = models.TextField(_("Anmerkung der Person"), blank=True, max_length=2000)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("Beantragt am"), auto_now_add=True)
    handled_at = models.DateTimeField(_("Bearbeitet am"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bearbeitet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_note = models.TextField(_("Vermerk der Verwaltung"), blank=True)

    class Meta:
        verbose_name = _("Löschantrag")
        verbose_name_plural = _("Löschanträge")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="open"),
                name="deletion_request_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return _("Löschantrag %(username)s (%(status)s)") % {
            "username": self.username,
            "status": self.get_status_display(),
        }
