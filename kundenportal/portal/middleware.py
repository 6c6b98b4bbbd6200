from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.backends import INITIAL_PASSWORD_SESSION_KEY

SESSION_AUTH_AT_KEY = "kp_auth_at"
SESSION_SEEN_AT_KEY = "kp_seen_at"
# The last-seen time is written at most this often, so a busy session is not saved on every
# request (saving costs a database write).
SEEN_AT_GRANULARITY = 60


class SessionLimitsMiddleware:
    """Ends a logged-in session after SESSION_IDLE_SECONDS without a request, and in any case
    SESSION_COOKIE_AGE after the login (the absolute limit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            auth_at = session.get(SESSION_AUTH_AT_KEY)
            seen_at = session.get(SESSION_SEEN_AT_KEY)
            if auth_at is None or seen_at is None:
                # A session from before these marks existed: start the clocks now.
                session[SESSION_AUTH_AT_KEY] = auth_at = now
                session[SESSION_SEEN_AT_KEY] = seen_at = now
            if (
                now - seen_at > settings.SESSION_IDLE_SECONDS
                or now - auth_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(
                    request,
                    _("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."),
                )
                if request.path.startswith(reverse("admin:index")):
                    return redirect(f"{reverse('admin:login')}?next={request.path}")
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if now - seen_at >= SEEN_AT_GRANULARITY:
                session[SESSION_SEEN_AT_KEY] = now
        return self.get_response(request)


class InitialPasswordMiddleware:
    """A session opened with an initial password reaches only "Passwort ändern" and logout.

    SPEC: the initial password "works only to set an own password at first login (a session
    opened with it reaches nothing else)".
    """

    ALLOWED_URL_NAMES = ("portal:password_set", "portal:logout")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: set[str] | None = None

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(INITIAL_PASSWORD_SESSION_KEY):
            if self._allowed is None:
                self._allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in self._allowed and not request.path.startswith(
                settings.STATIC_URL
            ):
                return redirect("portal:password_set")
        return self.get_response(request)
