"""Shared building blocks: provider settings, German formatting."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kundenportal.core"
    verbose_name = _("Grundlagen")

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)
        from .logs import redact_filter_install
        from .lookups import register

        redact_filter_install()
        register()
