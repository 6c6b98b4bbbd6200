"""Shared building blocks: provider settings, German formatting."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kundenportal.core"
    verbose_name = "Grundlagen"

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)
