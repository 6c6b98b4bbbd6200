from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingFileDeletion(models.Model):
    """A file whose record is deleted (or about to be) and that must still leave the storage.

    Written by ``core.files.file_delete_after_commit`` in the transaction that deletes the
    record; the file is deleted after the commit and this row with it. If that fails
    (storage down, process killed between commit and delete), the worker's job
    ``files.pending_delete`` tries again, so no file of a deleted record stays behind. A
    rolled-back transaction takes the row with it and keeps the file.
    """

    field = models.CharField(_("Feld"), max_length=100)  # "documents.certificate.file"
    name = models.CharField(_("Dateiname im Speicher"), max_length=255)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)

    class Meta:
        verbose_name = _("Ausstehende Dateilöschung")
        verbose_name_plural = _("Ausstehende Dateilöschungen")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class LimitCounter(models.Model):
    """One counter of an abuse limit in one time window (``core/limits.py``).

    In the database, so that every web process counts into the same row, whatever cache is
    configured. The key holds a keyed hash, never an address in plain text.
    """

    key = models.CharField(_("Schlüssel"), max_length=120, primary_key=True)
    count = models.PositiveIntegerField(_("Anzahl"), default=0)
    expires_at = models.DateTimeField(_("Gilt bis"), db_index=True)

    class Meta:
        verbose_name = _("Zähler einer Begrenzung")
        verbose_name_plural = _("Zähler der Begrenzungen")

    def __str__(self) -> str:
        return self.key
