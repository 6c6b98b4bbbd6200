"""Course documents, online links and certificates: the files participants see in the portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kundenportal.documents"
    verbose_name = _("Unterlagen und Bescheinigungen")

    def ready(self):
        from kundenportal.notifications.rendering import mail_context_provider

        from .mail import certificate_mail_context
        from .services import CERTIFICATE_MAIL

        mail_context_provider(CERTIFICATE_MAIL)(certificate_mail_context)
