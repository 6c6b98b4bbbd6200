"""Staff actions on whole events above registrations and documents: record attendance,
cancel an event, upload course documents, generate and upload certificates."""

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "kundenportal.backoffice"
    verbose_name = "Verwaltung von Veranstaltungen"
