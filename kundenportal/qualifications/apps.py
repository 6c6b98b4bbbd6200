"""Qualifications (Fachkunde): their state derived from certificates, the reminders before one
lapses, the opt-out and the one-click unsubscribe."""

import datetime as dt

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "kundenportal.qualifications"
    verbose_name = _("Fachkunde")

    def ready(self):
        from kundenportal.notifications.rendering import mail_context_provider
        from kundenportal.worker.jobs import periodic_job

        from .mail import REMINDER_MAIL, reminder_mail_context
        from .services import qualification_reminders_job

        mail_context_provider(REMINDER_MAIL)(reminder_mail_context)
        hour, minute = (int(part) for part in settings.QUALIFICATION_REMINDER_RUN_AT.split(":"))
        periodic_job("qualifications.reminders", daily_at=dt.time(hour, minute))(
            qualification_reminders_job
        )
