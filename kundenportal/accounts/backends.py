from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

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
            person = None
        # Exactly one password hash per attempt whatever the account's state, so the answer
        # time does not reveal whether a username exists, is inactive or has no password yet.
        if person is None or not self.user_can_authenticate(person):
            _spend_one_hash(password)
            return None
        if person.has_usable_password():
            # Once an own password exists, an initial password never applies.
            return person if person.check_password(password) else None
        if person.initial_password and person.initial_password_expires_at:
            if initial_password_check(person=person, raw_password=password):
                setattr(person, INITIAL_PASSWORD_ATTR, True)
                return person
            return None
        _spend_one_hash(password)
        return None


def _spend_one_hash(password: str) -> None:
    make_password(password)
