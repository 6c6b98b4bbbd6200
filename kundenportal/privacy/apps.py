"""Self-service export and deletion requests; staff work on accounts: merge, erasure (on
request and for the retention purge), credentials sent again."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "kundenportal.privacy"
    verbose_name = _("Datenschutz")

    def ready(self):
        from kundenportal.accounts.credentials import credentials_sent_hook
        from kundenportal.notifications.rendering import mail_context_provider, mail_sent_hook

        from .credentials import CREDENTIALS_TEMPLATE
        from .erasure import DELETED_TEMPLATE, erase_order_set
        from .mail import account_deleted_mail_sent, credentials_mail_context
        from .register import erase_order

        erase_order_set(erase_order())

        mail_context_provider(CREDENTIALS_TEMPLATE)(credentials_mail_context)
        # The same hook as the Durchführungsbestätigung: the initial password in the mail
        # counts once the SMTP server accepted it (and the earlier one stops working).
        mail_sent_hook(CREDENTIALS_TEMPLATE)(credentials_sent_hook)
        mail_sent_hook(DELETED_TEMPLATE)(account_deleted_mail_sent)
