"""Durable mail outbox and the worker process that sends it."""

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kundenportal.notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self):
        from kundenportal.worker.jobs import periodic_job

        from .delivery import outbox_purge

        # Sent mails hold names and addresses: they go after OUTBOX_KEEP_DAYS.
        periodic_job("notifications.outbox_purge", daily_at=dt.time(2, 30))(outbox_purge)
