from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from kundenportal.accounts.backends import INITIAL_PASSWORD_ATTR, INITIAL_PASSWORD_SESSION_KEY

from .middleware import SESSION_AUTH_AT_KEY, SESSION_SEEN_AT_KEY


@receiver(user_logged_in, dispatch_uid="portal_session_marks")
def session_marks_on_login(sender, request, user, **kwargs):
    """Every login (portal or Verwaltung) starts the session clocks and, after a login with an
    initial password, limits the session to "Passwort ändern"."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(timezone.now().timestamp())
    request.session[SESSION_AUTH_AT_KEY] = now
    request.session[SESSION_SEEN_AT_KEY] = now
    if getattr(user, INITIAL_PASSWORD_ATTR, False):
        request.session[INITIAL_PASSWORD_SESSION_KEY] = True
    else:
        request.session.pop(INITIAL_PASSWORD_SESSION_KEY, None)
