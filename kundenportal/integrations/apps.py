from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "kundenportal.integrations"
    verbose_name = _("Schnittstellen")

    def ready(self) -> None:
        from kundenportal.audit.services import audit_listener_add

        from . import jobs  # noqa: F401  (registers the worker's delivery task)
        from .webhooks import deliveries_from_audit

        audit_listener_add(deliveries_from_audit)
