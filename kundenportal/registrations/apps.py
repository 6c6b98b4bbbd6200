"""Registrations and participations."""

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "kundenportal.registrations"
    verbose_name = _("Anmeldungen")

    def ready(self):
        from kundenportal.core.limits import limit_counters_purge
        from kundenportal.worker.jobs import periodic_job

        # The counters of the booking limits whose window has ended (core/limits.py).
        periodic_job("core.limit_counters_purge", every=dt.timedelta(hours=1))(limit_counters_purge)
