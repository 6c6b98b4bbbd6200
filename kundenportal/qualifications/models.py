from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kundenportal.events.models import Qualification
from kundenportal.registrations.models import Participation


class QualificationReminder(models.Model):
    """A reminder that went into the outbox: one per lead time and the participation whose
    course the qualification currently rests on (so never twice for the same validity).

    Only what keeps a reminder from going twice; deleted once that validity has ended
    (retention policy ``qualification_reminders``), with the participation otherwise.
    """

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("Teilnahme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    lead_days = models.PositiveSmallIntegerField(_("Tage vor Ablauf"))
    valid_until = models.DateField(_("Fachkunde gültig bis"), db_index=True)
    created_at = models.DateTimeField(_("Versandt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fachkunde-Erinnerung")
        verbose_name_plural = _("Fachkunde-Erinnerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "lead_days"], name="qualification_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation_id}: {self.lead_days} Tage"


class ReminderOptOut(models.Model):
    """The person switched the Fachkunde reminders off (in "Meine Daten" or by the mail's
    unsubscribe link). No row: reminders are on."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Teilnehmer/in"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Abbestellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Abbestellte Fachkunde-Erinnerung")
        verbose_name_plural = _("Abbestellte Fachkunde-Erinnerungen")

    def __str__(self) -> str:
        return str(self.person_id)


class QualificationExpiry(Qualification):
    """Admin entry "Fachkunde läuft ab" (a page with counts, not a list of rows)."""

    class Meta:
        proxy = True
        verbose_name = _("Fachkunde läuft ab")
        verbose_name_plural = _("Fachkunde läuft ab")
