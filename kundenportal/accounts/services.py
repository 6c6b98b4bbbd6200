from typing import Any

from django.db import transaction
from django.utils import timezone

from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange, Company
from kundenportal.companies.services import address_normalise

from .models import Person
from .usernames import username_issue


@transaction.atomic
def person_create(
    *,
    first_name: str,
    last_name: str,
    salutation: str = "",
    title: str = "",
    email: str = "",
    company: Company | None = None,
    address: dict[str, str] | None = None,
    actor: Any | None = None,
) -> Person:
    """Create a participant's account with a fresh username and no usable password.

    The person gets access data with the next Durchführungsbestätigung.
    """
    person = Person(
        username=username_issue(first_name=first_name, last_name=last_name),
        salutation=salutation,
        title=title,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        company=company,
        **{key: value for key, value in (address or {}).items() if key in Person.ADDRESS_FIELDS},
    )
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    audit_log(actor=actor, action="person.create", obj=person)
    return person


@transaction.atomic
def person_company_move(
    *,
    person: Person,
    company: Company | None,
    company_name: str,
    address: dict[str, str],
    actor: Any,
    email: str = "",
    source_registration_id: int | None = None,
) -> AddressChange:
    """The person changed employer, confirmed by staff: the account takes the new company
    (``None``: a private address) and the address the booking gave.

    FAQ: "Behalte ich mein Konto, wenn ich die Firma gewechselt habe? Ja, wenn Sie uns dies bei
    Ihrer nächsten Anmeldung über das Bemerkungsfeld im Anmeldeschritt 3 mitteilen."
    Recorded as an address change decided at once, so the account's history shows where the
    data came from. The participations keep the company they were booked under. ``email``,
    the participant's own address from that booking, replaces the old (work) address.
    """
    address = address_normalise(address)
    address["country"] = address["country"] or person.country or "Deutschland"
    old_company_id = person.company_id
    changed = [f for f in Person.ADDRESS_FIELDS if getattr(person, f) != address[f]]
    for field in changed:
        setattr(person, field, address[field])
    email = (email or "").strip()
    if email and email.lower() != person.email.strip().lower():
        person.email = email
        changed.append("email")
    person.company = company
    person.save(update_fields=["company", *changed])
    now = timezone.now()
    change = AddressChange.objects.create(
        person=person,
        company=company,
        company_name=company_name,
        source_registration_id=source_registration_id,
        status=AddressChange.Status.APPROVED,
        decided_at=now,
        decided_by=actor,
        **address,
    )
    audit_log(
        actor=actor,
        action="person.company_change",
        obj=person,
        data={
            "old_company_id": old_company_id,
            "new_company_id": company.pk if company else None,
            "fields": changed,
            "address_change_id": change.pk,
            "registration_id": source_registration_id,
        },
    )
    return change
