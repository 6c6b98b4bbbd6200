"""Staff actions on whole events above registrations and documents: record attendance,
cancel an event, upload course documents, generate and upload certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "kundenportal.backoffice"
    verbose_name = _("Verwaltung von Veranstaltungen")
