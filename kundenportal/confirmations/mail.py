"""The Durchführungsbestätigung mail: plain event data in the outbox, credentials at send time."""

from typing import Any

from django.utils.translation import gettext as _

from kundenportal.accounts.credentials import credentials_for_mail
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete
from kundenportal.registrations.models import Participation

TEMPLATE = "confirmation"


def confirmation_mail_context(mail: OutboxMail) -> dict[str, Any]:
    """Context provider for ``confirmation``: the participant and their credentials, now."""
    try:
        participation = Participation.objects.select_related("person", "event").get(
            pk=mail.context["participation_id"]
        )
    except Participation.DoesNotExist:
        raise MailObsolete(_("Die Teilnahme besteht nicht mehr.")) from None
    if participation.status in (
        Participation.Status.CANCELLED,
        Participation.Status.WAITLISTED,
    ):
        raise MailObsolete(
            _("Die Teilnahme ist %(status)s.") % {"status": participation.get_status_display()}
        )
    if participation.event.status != Event.Status.CONFIRMED:
        raise MailObsolete(
            _("Die Veranstaltung ist %(status)s.")
            % {"status": participation.event.get_status_display()}
        )
    person = participation.person
    if not person.is_active:
        raise MailObsolete(_("Das Konto ist deaktiviert."))
    return {
        "person_id": person.pk,
        "participant": {
            "salutation": person.get_salutation_display() if person.salutation else "",
            "title": person.title,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "full_name": person.get_full_name(),
        },
        "credentials": credentials_for_mail(
            person=person, seed=mail.secret_seed("initial_password"), recipients=mail.to
        ),
    }
