from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kundenportal.api"
    verbose_name = "API"
