"""The provider's legal pages: Impressum, Datenschutzerklärung, Teilnahmebedingungen and the
Erklärung zur Barrierefreiheit, versioned and kept by staff."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "kundenportal.legal"
    verbose_name = _("Rechtliche Angaben")
