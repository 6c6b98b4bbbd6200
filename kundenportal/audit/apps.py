"""Audit log of every staff action on personal data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kundenportal.audit"
    verbose_name = _("Protokoll")
