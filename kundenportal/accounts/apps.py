"""Person (the user model), usernames, credentials, login."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kundenportal.accounts"
    verbose_name = _("Konten")
