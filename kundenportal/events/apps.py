"""Events and the public catalogue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kundenportal.events"
    verbose_name = _("Veranstaltungen")
