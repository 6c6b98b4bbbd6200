"""The participant's pages under /portal/ (login required everywhere but login and reset)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kundenportal.portal"
    verbose_name = _("Kundenportal")

    def ready(self):
        from . import auth_events, mails, signals  # noqa: F401  (registers receivers and mail providers)
