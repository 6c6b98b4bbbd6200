"""Registrations and participations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "kundenportal.registrations"
    verbose_name = _("Anmeldungen")
