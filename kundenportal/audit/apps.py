"""Audit log of every staff action on personal data."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kundenportal.audit"
    verbose_name = "Protokoll"
