"""Self-service export and account deletion requests (deletion itself is a staff action)."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kundenportal.privacy"
    verbose_name = "Datenschutz"
