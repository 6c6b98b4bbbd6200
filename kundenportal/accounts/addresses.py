"""Which e-mail addresses may receive an account's secrets.

The rule (README, "Account binding"): an initial password or a reset link goes only to an
address bound to the account — its own e-mail (``Person.email``) or a ``BoundAddress``
(the correspondence address of the booking that created the account, or an address that
received its credentials before). Staff bind an address by entering it as the account's
e-mail after checking it. A booking that reuses an existing account
from any other address adds nothing here: its mails carry the username and the "Passwort
vergessen" hint only.
"""

from django.db import transaction

from kundenportal.audit.services import audit_log

from .models import BoundAddress, Person


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def addresses_bound(*, person: Person) -> list[str]:
    """The account's trusted addresses: the own e-mail first, then the others, newest first."""
    found = [_normalise(person.email)] if person.email else []
    for email in BoundAddress.objects.filter(person=person).values_list("email", flat=True):
        if email not in found:
            found.append(email)
    return found


def addresses_all_bound(*, person: Person, addresses: list[str]) -> bool:
    """True if every non-empty address in ``addresses`` is bound to the account."""
    wanted = {_normalise(a) for a in addresses if _normalise(a)}
    return bool(wanted) and wanted <= set(addresses_bound(person=person))


def address_for_secrets(*, person: Person) -> str:
    """Where a reset link or credentials for the account go: the own e-mail, else the bound
    correspondence address bound last; "" if there is none (staff must add an address)."""
    if person.email:
        return person.email.strip()
    bound = addresses_bound(person=person)
    return bound[0] if bound else ""


@transaction.atomic
def address_bind(
    *, person: Person, email: str, source: str, actor=None, registration_id: int | None = None
) -> bool:
    """Bind ``email`` to the account; returns False if it already was bound."""
    email = _normalise(email)
    if not email or email in addresses_bound(person=person):
        return False
    BoundAddress.objects.create(person=person, email=email, source=source)
    audit_log(
        actor=actor,
        action="person.address_bound",
        obj=person,
        data={"source": source, "registration_id": registration_id},
    )
    return True
