"""Demo data for `make run`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "kundenportal.demo"
    verbose_name = _("Demodaten")
