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

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.audit.services import audit_log
from kundenportal.notifications.services import mail_enqueue


def persons_by_contact_email(email: str) -> list[Person]:
    """Active accounts whose reset link goes to ``email`` (``address_for_secrets``): their own
    address, or, for accounts without one, the address bound to them last (a booker's that
    created them). A booking from any other address never makes it reach an account."""
    wanted = email.strip().lower()
    if not wanted:
        return []
    bound_here = BoundAddress.objects.filter(email=wanted, person__email="").values("person_id")
    latest_bound = Subquery(
        BoundAddress.objects.filter(person=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("email")[:1]
    )
    candidates = (
        Person.objects.filter(is_active=True)
        .filter(Q(email__iexact=wanted) | Q(pk__in=bound_here))
        .annotate(latest_bound=latest_bound)
        .order_by("username")
    )
    return [
        person
        for person in candidates
        if (person.email or person.latest_bound or "").strip().lower() == wanted
    ]


@transaction.atomic
def password_reset_request(*, identifier: str) -> int:
    """Queue reset mails for a username or an e-mail address; returns the number of mails.

    One mail per address lists every account that the address reaches, each with its own link;
    links go only to addresses bound to the account (``accounts/addresses.py``).
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
        address = address_for_secrets(person=person) if person else ""
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
