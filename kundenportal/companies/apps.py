"""Companies and address changes awaiting staff review."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "kundenportal.companies"
    verbose_name = _("Firmen")
