"""Password reset ("Passwort vergessen").

The outbox row holds only the ids of the accounts; the one-time links are signed when the mail
is rendered for sending (``mails.py``), so no usable link ever sits in the database.
"""

import hashlib
import time

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.audit.services import audit_log
from kundenportal.notifications.services import mail_enqueue
from kundenportal.registrations.models import Participation
from kundenportal.registrations.selectors import person_contact_email


def _latest_correspondence_email():
    return Subquery(
        Participation.objects.filter(person=OuterRef("pk"))
        .order_by("-registration__created_at", "-id")
        .values("registration__correspondence_email")[:1]
    )


def persons_by_contact_email(email: str) -> list[Person]:
    """Active accounts whose mail goes to ``email``: their own address, or, for accounts
    without one, the correspondence address of their latest registration (a booker's)."""
    email = email.strip()
    if not email:
        return []
    booked_for = Participation.objects.filter(
        registration__correspondence_email__iexact=email, person__email=""
    ).values("person_id")
    candidates = (
        Person.objects.filter(is_active=True)
        .filter(Q(email__iexact=email) | Q(pk__in=booked_for))
        .annotate(latest_correspondence=_latest_correspondence_email())
        .order_by("username")
    )
    wanted = email.lower()
    return [
        person
        for person in candidates
        if (person.email or person.latest_correspondence or "").lower() == wanted
    ]


@transaction.atomic
def password_reset_request(*, identifier: str) -> int:
    """Queue reset mails for a username or an e-mail address; returns the number of mails.

    One mail per address lists every account that the address reaches, each with its own link.
    The caller shows the same answer whatever the result.
    """
    identifier = (identifier or "").strip().replace("\x00", "")
    if not identifier:
        return 0
    if "@" in identifier:
        persons = persons_by_contact_email(identifier)
        groups = {identifier.lower(): persons} if persons else {}
    else:
        person = Person.objects.filter(username=identifier.lower(), is_active=True).first()
        address = person_contact_email(person) if person else ""
        groups = {address.lower(): persons_by_contact_email(address)} if address else {}
        # A name lookup sends only that account's link, even to a shared address.
        groups = {key: [p for p in group if p.pk == person.pk] for key, group in groups.items()}
    sent = 0
    window = int(timezone.now().timestamp()) // max(settings.PASSWORD_RESET_MAIL_INTERVAL, 1)
    for address, group in groups.items():
        if not group:
            continue
        ids = [p.pk for p in group]
        digest = hashlib.sha256(f"{address}|{','.join(map(str, ids))}".encode()).hexdigest()
        mail_enqueue(
            template="password_reset",
            to=[address],
            context={"person_ids": ids},
            dedupe_key=f"password_reset:{digest[:40]}:{window}",
        )
        for person in group:
            audit_log(actor=None, action="person.password_reset_requested", obj=person)
        sent += 1
    return sent


def pad_to_min_duration(started: float) -> None:
    """Sleep until PASSWORD_RESET_MIN_SECONDS have passed since ``started`` (monotonic), so
    the answer takes the same time whether an account exists or not."""
    remaining = settings.PASSWORD_RESET_MIN_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
