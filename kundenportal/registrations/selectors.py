"""Reads of registrations (the writes are in services/)."""

from dataclasses import dataclass

from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.companies.models import AddressFields, Company
from kundenportal.companies.services import address_differs, address_normalise
from kundenportal.core.text import match_key
from kundenportal.events.models import Event

from .models import Participation, Registration


def registration_is_open(event: Event) -> bool:
    """Bookable status and not yet begun: the form and the service ask the same question."""
    return event.is_bookable_status and event.first_day > timezone.localdate()


def event_taken_seats(event: Event) -> int:
    return Participation.objects.filter(event=event, status__in=Participation.SEAT_STATUSES).count()


def registration_submitted_get(*, pk: int | None, event: Event) -> Registration | None:
    """The registration a visitor just submitted (its id comes from their own session)."""
    if not pk:
        return None
    return (
        Registration.objects.filter(pk=pk, event=event)
        .prefetch_related("participations__person")
        .first()
    )


def registrations_pending_review_count() -> int:
    return Registration.objects.filter(review=Registration.Review.PENDING).count()


def person_contact_email(person) -> str:
    """Where mail for the person goes: the own address, else the correspondence address of
    their latest registration (a booker's). Not for secrets: those go only to an address
    bound to the account (``accounts.addresses.address_for_secrets``). The erasure uses it to
    find the person's contact address in the booking records it keeps."""
    if person.email:
        return person.email
    return (
        Participation.objects.filter(person=person)
        .order_by("-registration__created_at", "-id")
        .values_list("registration__correspondence_email", flat=True)
        .first()
        or ""
    )


@dataclass(frozen=True)
class CompanyChange:
    """What an account would take over from a booking at another company or address."""

    company: Company | None  # None: a private address, or a company not stored (any more)
    company_name: str  # as booked; "" for a private address
    address: dict[str, str]
    email: str  # the participant's own address from the booking, if given
    company_differs: bool
    address_fields: list[str]  # the address fields that differ from the account's


def participation_company_change(
    *, participation: Participation, target: Person
) -> CompanyChange | None:
    """The booking's company and address if they differ from ``target``'s, else ``None``.

    Staff see this side by side before they attach the participation to ``target`` (the
    company-change case) and confirm that the account moves with it.
    """
    registration = participation.registration
    address = address_normalise(
        {field: getattr(registration, field) for field in AddressFields.ADDRESS_FIELDS}
    )
    company = None
    if not registration.is_private_address:
        company = participation.company or (
            Company.objects.filter(name_key=match_key(registration.company_name))
            .order_by("id")
            .first()
        )
    if registration.is_private_address:
        company_differs = target.company_id is not None
    else:
        company_differs = company is None or company.pk != target.company_id
    fields = address_differs(stored=target, proposed=address)
    if not company_differs and not fields:
        return None
    return CompanyChange(
        company=company,
        company_name="" if registration.is_private_address else registration.company_name,
        address=address,
        email=participation.email,
        company_differs=company_differs,
        address_fields=fields,
    )
