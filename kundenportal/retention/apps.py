"""Retention: the daily purge of data whose period has ended (one policy per category)."""

import datetime as dt

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "kundenportal.retention"
    verbose_name = _("Aufbewahrung")

    def ready(self):
        from kundenportal.core.files import pending_files_delete_job
        from kundenportal.worker.jobs import periodic_job

        from .services import retention_purge_job

        hour, minute = (int(part) for part in settings.RETENTION_RUN_AT.split(":"))
        # A run over a large backlog may take long; the purge's own lease (renewed per chunk)
        # is what keeps two runs apart, the job lease only avoids needless starts.
        periodic_job(
            "retention.purge", daily_at=dt.time(hour, minute), lease=dt.timedelta(hours=6)
        )(retention_purge_job)
        # Files whose delete failed after their record's deletion committed (storage down).
        periodic_job("files.pending_delete", every=dt.timedelta(minutes=5))(
            pending_files_delete_job
        )
