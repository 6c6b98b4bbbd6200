from django.db import models
from django.utils.translation import gettext_lazy as _


class PurgeState(models.Model):
    """The single row that keeps two purge runs from overlapping, and the last run's result.

    Whoever moves ``locked_until`` forward in one conditional UPDATE holds the purge; the
    holder renews the lease after every chunk, so a run that dies only blocks the next one
    until its lease ends. Works the same on SQLite and PostgreSQL and through a connection
    pooler (no session-level advisory lock).
    """

    name = models.CharField(_("Name"), max_length=50, unique=True)
    holder = models.CharField(_("Gesperrt durch"), max_length=64, blank=True)
    locked_until = models.DateTimeField(_("Gesperrt bis"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("Letzter Lauf gestartet"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("Letzter Lauf beendet"), null=True, blank=True)
    # Counts per category of the last finished run; never names.
    last_counts = models.JSONField(_("Gelöscht im letzten Lauf"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Löschlauf")
        verbose_name_plural = _("Löschläufe")

    def __str__(self) -> str:
        return self.name


class RetentionSchedule(PurgeState):
    """Admin entry "Aufbewahrung: Was als Nächstes gelöscht wird" (a page, not a list)."""

    class Meta:
        proxy = True
        verbose_name = _("Aufbewahrung: Was als Nächstes gelöscht wird")
        verbose_name_plural = _("Aufbewahrung: Was als Nächstes gelöscht wird")
