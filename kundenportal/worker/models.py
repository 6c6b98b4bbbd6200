from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """Bookkeeping of one periodic job of the worker (see ``worker.jobs``).

    Whoever moves ``locked_until`` forward in one conditional UPDATE runs the job; so with
    several workers a daily job runs once a day, and a worker that dies mid-job only delays
    it until the lease ends.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    due_at = models.DateTimeField(_("Fällig ab"), default=timezone.now)
    locked_until = models.DateTimeField(_("Gesperrt bis"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("Zuletzt gestartet"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("Zuletzt beendet"), null=True, blank=True)
    last_status = models.CharField(_("Letztes Ergebnis"), max_length=20, blank=True)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    runs = models.PositiveIntegerField(_("Läufe"), default=0)

    class Meta:
        verbose_name = _("Regelmäßige Aufgabe")
        verbose_name_plural = _("Regelmäßige Aufgaben")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
