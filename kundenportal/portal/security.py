"""Client address and username as the login throttling (django-axes) sees them."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def axes_username(request, credentials) -> str:
    """Usernames are case-insensitive, so "Max.Mustermann" and "max.mustermann" count as one."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    # NUL cannot be stored in PostgreSQL text; such a name never matches an account anyway.
    return str(value or "").strip().lower().replace("\x00", "")[:150]


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every login that comes with a request.

    Calls without a request (management commands, tests calling ``authenticate`` directly)
    cannot be attributed to a client address and pass on to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
