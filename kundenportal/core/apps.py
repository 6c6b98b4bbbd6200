"""Shared building blocks: provider settings, German formatting."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kundenportal.core"
    verbose_name = "Grundlagen"
