"""Person (the user model), usernames, credentials, login."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kundenportal.accounts"
    verbose_name = "Konten"
