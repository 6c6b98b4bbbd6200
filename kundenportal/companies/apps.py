"""Companies and address changes awaiting staff review."""

from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "kundenportal.companies"
    verbose_name = "Firmen"
