"""Durchführungsbestätigung: staff confirm that an event takes place; every participant's
mail then carries the access data to the portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfirmationsConfig(AppConfig):
    name = "kundenportal.confirmations"
    verbose_name = _("Durchführungsbestätigungen")

    def ready(self):
        from kundenportal.accounts.credentials import credentials_sent_hook
        from kundenportal.notifications.rendering import mail_context_provider, mail_sent_hook
        from kundenportal.worker.jobs import loop_task

        from .mail import TEMPLATE, confirmation_mail_context
        from .services import confirmations_enqueue_pending

        mail_context_provider(TEMPLATE)(confirmation_mail_context)
        mail_sent_hook(TEMPLATE)(credentials_sent_hook)
        # SPEC: "a participant registered after the confirmation gets the mail at once" — the
        # worker looks on every loop (one indexed query when there is nothing to do).
        loop_task("confirmations.enqueue_pending")(confirmations_enqueue_pending)
