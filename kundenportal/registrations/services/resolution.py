"""Account resolution: which account a booked or imported participant is.

FAQ: "mit Ihrer Anmeldung zu einer unserer Veranstaltungen erhalten Sie bzw. die angemeldete
Person automatisch ein Konto". Same normalised name at the same company and the same postal
code or street → the account is reused; otherwise a new one is created ("Ansonsten wird aus
Sicherheitsgründen ein neues Konto erstellt"). Reusing an account never makes the booking's
addresses a channel for its secrets (``accounts/addresses.py``). Used by the booking form, the
customer import and every other way a person comes in.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_bind, addresses_all_bound
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange, Company
from kundenportal.companies.services import (
    address_change_create,
    address_differs,
    address_normalise,
)
from kundenportal.core.locks import advisory_lock, person_lock_key
from kundenportal.core.text import match_key


@dataclass(frozen=True)
class ParticipantData:
    first_name: str
    last_name: str
    salutation: str = ""
    title: str = ""
    email: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class AddressData:
    """Step 2 of the form: a company address, or a private one (no company)."""

    company_name: str = ""
    is_private: bool = False
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "Deutschland"
    phone: str = ""

    def fields(self) -> dict[str, str]:
        return address_normalise(
            {
                "street": self.street,
                "postal_code": self.postal_code,
                "city": self.city,
                "country": self.country,
                "phone": self.phone,
            }
        )


@dataclass
class ResolvedPerson:
    person: Person
    created: bool
    address_change: AddressChange | None = None
    # The booking's correspondence address may receive this account's secrets.
    bound: bool = False


def person_candidates(*, name_key: str, company: Company | None) -> list[Person]:
    """Accounts that may be this participant: same normalised name, oldest first."""
    candidates = Person.objects.filter(name_key=name_key, is_active=True, is_staff=False)
    if company is not None:
        candidates = candidates.filter(company=company)
    else:
        candidates = candidates.filter(company__isnull=True)
    return list(candidates.order_by("id"))


def _same_place(candidate: Person, fields: dict[str, str]) -> bool:
    """Same postal code, or the same street (normalised), as the stored account."""
    same_postal = bool(fields["postal_code"]) and candidate.postal_code == fields["postal_code"]
    street = match_key(fields["street"])
    return same_postal or (bool(street) and match_key(candidate.street) == street)


def person_match(
    *, candidates: list[Person], company: Company | None, fields: dict[str, str]
) -> Person | None:
    """The SPEC's rule, given the accounts with the same normalised name (oldest first).

    Same company and the same postal code or street → that account. A private address (no
    company) matches only an account without company at the same postal code and street: a
    name alone is not enough ("Ansonsten wird aus Sicherheitsgründen ein neues Konto
    erstellt").
    """
    for candidate in candidates:
        if company is not None:
            if candidate.company_id == company.pk and _same_place(candidate, fields):
                return candidate
        elif (
            candidate.company_id is None
            and candidate.postal_code == fields["postal_code"]
            and match_key(candidate.street) == match_key(fields["street"])
        ):
            return candidate
    return None


def person_reuse(
    *,
    person: Person,
    participant: ParticipantData,
    company: Company | None,
    address: AddressData,
    email_trusted: bool,
    source_registration_id: int | None = None,
) -> AddressChange | None:
    """An existing account is used again: differing address data go to staff review.

    The participant's e-mail fills an empty account address only when ``email_trusted``
    (a staff import, or a booking from an address bound to the account): otherwise anyone
    could bind their own address to a stranger's account by booking it.
    """
    change = None
    fields = address.fields()
    if address_differs(stored=person, proposed=fields):
        change = address_change_create(
            person=person,
            company=company,
            company_name=address.company_name,
            address=fields,
            source_registration_id=source_registration_id,
        )
    if email_trusted and participant.email and not person.email:
        person.email = participant.email
        person.save(update_fields=["email"])
        audit_log(
            actor=None,
            action="person.email_from_registration",
            obj=person,
            data={"registration_id": source_registration_id},
        )
    return change


def person_resolve(
    *,
    participant: ParticipantData,
    company: Company | None,
    address: AddressData,
    correspondence_email: str,
    source_registration_id: int | None = None,
    actor: Any | None = None,
) -> ResolvedPerson:
    """The participant's account by the SPEC's rules; call inside a transaction.

    Same normalised first and last name at the same company and the same postal code or
    street → that account (with an ``AddressChange`` for staff if the address differs);
    otherwise a new account, even if the name exists at another company (the company-change
    case goes to staff review through the remark). A new account is bound to the booking's
    correspondence address (it may receive the credentials); a reused one is not.
    """
    key = match_key(f"{participant.first_name} {participant.last_name}")
    if len(key) > Person._meta.get_field("name_key").max_length:
        raise ValidationError(_("Der Name ist zu lang."))
    fields = address.fields()
    # Two registrations of the same new person at once must not create two accounts.
    advisory_lock(key=person_lock_key(name_key=key, company_id=company.pk if company else None))
    existing = person_match(
        candidates=person_candidates(name_key=key, company=company),
        company=company,
        fields=fields,
    )
    if existing is None:
        person = person_create(
            first_name=participant.first_name,
            last_name=participant.last_name,
            salutation=participant.salutation,
            title=participant.title,
            email=participant.email,
            company=company,
            address=fields,
            actor=actor,
        )
        address_bind(
            person=person,
            email=correspondence_email,
            source=BoundAddress.Source.REGISTERED,
            actor=actor,
            registration_id=source_registration_id,
        )
        return ResolvedPerson(person=person, created=True, bound=True)
    bound = addresses_all_bound(person=existing, addresses=[correspondence_email])
    change = person_reuse(
        person=existing,
        participant=participant,
        company=company,
        address=address,
        email_trusted=bound,
        source_registration_id=source_registration_id,
    )
    return ResolvedPerson(person=existing, created=False, address_change=change, bound=bound)
