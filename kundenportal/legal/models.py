from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalText(models.Model):
    """One version of one legal page. A version is never changed: each save by staff is a new
    version, and the page shows the version published last (``legal/selectors.py``).

    A registration keeps which versions of the terms and the privacy notice were accepted.
    Who saved or published a version is in the audit log (no personal data here).
    """

    class Kind(models.TextChoices):
        IMPRESSUM = "impressum", _("Impressum")
        PRIVACY = "datenschutz", _("Datenschutzerklärung")
        TERMS = "teilnahmebedingungen", _("Teilnahmebedingungen")
        ACCESSIBILITY = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")

    kind = models.CharField(_("Seite"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("Fassung"), editable=False)
    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(
        _("Text"),
        help_text=_(
            "Absätze durch eine Leerzeile trennen. Eine Zeile mit „## “ am Anfang ist eine "
            "Zwischenüberschrift, Zeilen mit „- “ am Anfang bilden eine Aufzählung. "
            "Internet- und E-Mail-Adressen werden zu Links."
        ),
    )
    created_at = models.DateTimeField(_("Gespeichert am"), auto_now_add=True)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="legal_text_kind_version")
        ]
        indexes = [models.Index(fields=["kind", "-published_at"], name="legal_text_published")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, Fassung {self.version}"
