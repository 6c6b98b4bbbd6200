"""The worker's scheduler: periodic jobs and per-loop tasks that the apps register.

It knows no app: each app registers its work in its own ``AppConfig.ready``, and the worker
process (``manage.py run_worker``) runs them beside the mail outbox.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "kundenportal.worker"
    verbose_name = _("Hintergrundaufgaben")
