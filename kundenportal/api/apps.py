from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kundenportal.api"
    verbose_name = _("Programmierschnittstelle (API)")

    def ready(self):
        from kundenportal.core.errors import error_renderer_add

        from .views import API_PREFIX, error_answer

        error_renderer_add(API_PREFIX, error_answer)
