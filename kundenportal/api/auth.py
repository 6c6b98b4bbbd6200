"""Bearer tokens of integrations, scopes, and the per-token rate limit.

Only the ``Authorization: Bearer`` header authenticates: a session cookie of a participant
or of staff never does (the API has no session authentication and no CSRF-exempt form).
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from kundenportal.integrations.models import Integration, IntegrationActor
from kundenportal.integrations.services import integration_authenticate, rate_limit_take

from .problems import Problem


class IntegrationToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Integration | None:
        integration = integration_authenticate(token)
        if integration is None:
            return None
        allowed, limit, reset = rate_limit_take(integration=integration)
        request.rate_limit = (limit, reset)
        if not allowed:
            raise Problem(
                429,
                f"Zu viele Anfragen: höchstens {limit} pro Minute. Bitte versuchen Sie es in "
                f"{reset} Sekunden erneut.",
                headers={"Retry-After": str(reset), "RateLimit-Limit": str(limit)},
            )
        request.integration = integration
        return integration


def require(request: HttpRequest, scope: str) -> IntegrationActor:
    """The caller's actor for the services, if its integration has ``scope``; else 403."""
    integration: Integration = request.auth
    if not integration.has_scope(scope):
        raise Problem(
            403,
            f"Dieser Schnittstelle fehlt die Berechtigung „{scope}“.",
            kind="berechtigung-fehlt",
        )
    return IntegrationActor(integration)
