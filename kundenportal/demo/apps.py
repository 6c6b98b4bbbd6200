"""Demo data for `make run`."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kundenportal.demo"
    verbose_name = "Demodaten"
