"""Registrations and participations."""

from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "kundenportal.registrations"
    verbose_name = "Anmeldungen"
