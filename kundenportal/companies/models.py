from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AddressFields(models.Model):
    """Postal address as the registration form asks for it (step 2, "Adressdaten")."""

    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=20, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    country = models.CharField(_("Land"), max_length=100, blank=True, default="Deutschland")
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)

    ADDRESS_FIELDS = ("street", "postal_code", "city", "country", "phone")

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        return [
            line
            for line in (self.street, f"{self.postal_code} {self.city}".strip(), self.country)
            if line
        ]


class Company(AddressFields):
    """A customer's employer. Staff keep these data ("die Firmendaten verwaltet das BEW")."""

    name = models.CharField(_("Firma"), max_length=200)
    # Casefolded, transliterated, whitespace-collapsed name: what "the same company" means when
    # a registration is matched to an existing account.
    name_key = models.CharField(_("Suchschlüssel"), max_length=200, db_index=True, editable=False)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Firma")
        verbose_name_plural = _("Firmen")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class AddressChange(AddressFields):
    """Address data from a registration that differ from the stored ones, for staff review.

    FAQ: "Mit jeder weiteren Anmeldung müssen Sie Ihre Adressdaten eingeben, die dann nach einer
    Prüfung im Anmeldeprozess bei Änderungen automatisch im Kundenportal aktualisiert werden."
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Prüfung ausstehend")
        APPROVED = "approved", _("Übernommen")
        REJECTED = "rejected", _("Abgelehnt")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Teilnehmer/in"),
        on_delete=models.CASCADE,
        related_name="address_changes",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("Firma"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="address_changes",
    )
    company_name = models.CharField(_("Firma (angegeben)"), max_length=200, blank=True)
    # The registration the data came from (registrations sits above companies, so no FK).
    source_registration_id = models.BigIntegerField(_("Anmeldung Nr."), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True)
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Entschieden von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Adressänderung")
        verbose_name_plural = _("Adressänderungen")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Adressänderung für %(person)s") % {"person": self.person}
