"""Course documents, online links and certificates: the files participants see in the portal."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "kundenportal.documents"
    verbose_name = "Unterlagen und Bescheinigungen"
