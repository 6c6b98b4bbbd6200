"""Which accounts the staff work on accounts (merge, deletion, credentials) may touch."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kundenportal.accounts.models import Person


def staff_refusal(person: Person) -> None:
    """Staff accounts are managed elsewhere, never merged, erased or sent credentials here."""
    if person.is_staff or person.is_superuser:
        raise ValidationError(
            _("Das Konto %(username)s gehört zur Verwaltung und wird hier nicht bearbeitet.")
            % {"username": person.username}
        )
