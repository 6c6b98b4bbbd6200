"""The Durchführungsbestätigung mail: plain event data in the outbox, credentials at send time."""

from typing import Any

from kundenportal.accounts.credentials import credentials_for_mail
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete
from kundenportal.registrations.models import Participation

TEMPLATE = "confirmation"


def _date(value) -> str:
    return value.strftime("%d.%m.%Y")


def event_mail_data(event: Event) -> dict[str, Any]:
    """The event as the mail shows it (JSON; German dates)."""
    if event.first_day == event.last_day:
        dates = _date(event.first_day)
    else:
        dates = f"{_date(event.first_day)} bis {_date(event.last_day)}"
    return {
        "number": event.number,
        "title": event.title,
        "first_day": _date(event.first_day),
        "last_day": _date(event.last_day),
        "dates": dates,
        "is_online": event.is_online,
        "place": "Online" if event.is_online else (event.place or ""),
    }


def confirmation_mail_context(mail: OutboxMail) -> dict[str, Any]:
    """Context provider for ``confirmation``: the participant and their credentials, now."""
    try:
        participation = Participation.objects.select_related("person", "event").get(
            pk=mail.context["participation_id"]
        )
    except Participation.DoesNotExist:
        raise MailObsolete("Die Teilnahme besteht nicht mehr.") from None
    if participation.status in (
        Participation.Status.CANCELLED,
        Participation.Status.WAITLISTED,
    ):
        raise MailObsolete(f"Die Teilnahme ist {participation.get_status_display()}.")
    if participation.event.status != Event.Status.CONFIRMED:
        raise MailObsolete(f"Die Veranstaltung ist {participation.event.get_status_display()}.")
    person = participation.person
    if not person.is_active:
        raise MailObsolete("Das Konto ist deaktiviert.")
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
            person=person, seed=mail.secret_seed("initial_password")
        ),
    }
