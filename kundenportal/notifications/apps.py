"""Durable mail outbox."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kundenportal.notifications"
    verbose_name = "Benachrichtigungen"
