from django.contrib.auth.backends import ModelBackend

from .credentials import initial_password_check
from .models import Person

# Set on the user object by ``PersonBackend`` when the login used an initial password; the
# login view copies it into the session (key below) and the portal then allows nothing but
# "Passwort ändern".
INITIAL_PASSWORD_ATTR = "logged_in_with_initial_password"  # noqa: S105
INITIAL_PASSWORD_SESSION_KEY = "kp_initial_password_login"  # noqa: S105


class PersonBackend(ModelBackend):
    """Username login, case-insensitive ("Max.Mustermann" logs in as max.mustermann).

    Accepts the person's own password, or else a valid initial password (marked on the user).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        username = username.strip().lower()
        try:
            person = Person.objects.get(username=username)
        except Person.DoesNotExist:
            # Same cost as a real check, so timing does not reveal whether the name exists.
            Person().set_password(password)
            return None
        if not self.user_can_authenticate(person):
            return None
        if person.check_password(password):
            return person
        if initial_password_check(person=person, raw_password=password):
            setattr(person, INITIAL_PASSWORD_ATTR, True)
            return person
        return None
