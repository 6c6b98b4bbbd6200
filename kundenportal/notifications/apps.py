"""Durable mail outbox, its worker and the worker's periodic jobs."""

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kundenportal.notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self):
        from kundenportal.core.limits import limit_counters_purge

        from .delivery import outbox_purge
        from .jobs import periodic_job

        # Sent mails hold names and addresses: they go after OUTBOX_KEEP_DAYS.
        periodic_job("notifications.outbox_purge", daily_at=dt.time(2, 30))(outbox_purge)
        # The counters of abuse limits whose window has ended (core/limits.py).
        periodic_job("core.limit_counters_purge", every=dt.timedelta(hours=1))(limit_counters_purge)
