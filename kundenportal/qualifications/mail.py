"""The reminder mail ``qualification_reminder``: its data are read when it is sent.

The outbox row holds only ids and dates; name, qualification, the next refresher dates and
the signed links (unsubscribe, prefilled booking) are made here at send time. A reminder
that lost its reason before it went out (account deleted or deactivated, reminders switched
off, a refresher booked or attended, the certificate revoked) is dropped, not sent.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.models import Person
from kundenportal.core.formatting import date_range_text, date_text
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MAIL_HEADERS, MailObsolete
from kundenportal.registrations import prefill

from .models import ReminderOptOut
from .selectors import qualifications_for_person
from .tokens import prefill_token, unsubscribe_token

REMINDER_MAIL = "qualification_reminder"


def booking_url(number: str, *, token: str = "") -> str:
    """The booking form of an event, filled in for the account of ``token`` (or, with
    ``prefill.LOGGED_IN``, for the logged-in person)."""
    path = reverse("registrations:start", args=[number])
    return f"{path}?{urlencode({prefill.PARAMETER: token})}" if token else path


def unsubscribe_url(*, person_id: int) -> str:
    return settings.SITE_URL + reverse(
        "qualifications:unsubscribe", args=[unsubscribe_token(person_id=person_id)]
    )


def reminder_mail_context(mail: OutboxMail) -> dict[str, Any]:
    data = mail.context
    person = Person.objects.filter(pk=data.get("person_id"), is_active=True).first()
    if person is None:
        raise MailObsolete(_("Das Konto besteht nicht mehr."))
    if ReminderOptOut.objects.filter(person=person).exists():
        raise MailObsolete(_("Die Erinnerungen wurden abbestellt."))
    today = timezone.localdate()
    state = next(
        (
            s
            for s in qualifications_for_person(person=person, today=today)
            if s.qualification_id == data.get("qualification_id")
        ),
        None,
    )
    if state is None or state.valid_until.isoformat() != data.get("valid_until"):
        raise MailObsolete(
            _("Die Fachkunde hat sich geändert (neue oder widerrufene Bescheinigung).")
        )
    if state.booked:
        raise MailObsolete(_("Eine Fortbildung ist bereits gebucht."))
    if state.days_left < 0:
        raise MailObsolete(_("Die Fachkunde ist bereits abgelaufen."))
    token = prefill_token(person_id=person.pk) if data.get("prefill") else ""
    unsubscribe = unsubscribe_url(person_id=person.pk)
    return {
        "full_name": person.get_full_name(),
        "salutation": person.get_salutation_display() if person.salutation else "",
        "qualification": {"name": state.name, "legal_basis": state.legal_basis},
        "valid_until": date_text(state.valid_until),
        "days_left": state.days_left,
        "prefilled": bool(token),
        "dates": [
            {
                "number": e["number"],
                "title": e["title"],
                "dates": date_range_text(e["first_day"], e["last_day"]),
                "place": _("Online") if e["format"] == "online" else e["place"],
                "url": settings.SITE_URL + booking_url(e["number"], token=token),
            }
            for e in state.next_dates
        ],
        "catalogue_url": settings.SITE_URL + reverse("events:catalogue"),
        "portal_url": settings.SITE_URL + reverse("portal:documents"),
        "unsubscribe_url": unsubscribe,
        MAIL_HEADERS: {
            # RFC 8058: a mail client may unsubscribe with one POST, without a page.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
