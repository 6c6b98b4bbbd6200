"""Events and the public catalogue."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "kundenportal.events"
    verbose_name = "Veranstaltungen"
