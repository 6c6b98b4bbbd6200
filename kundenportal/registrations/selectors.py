"""Reads of registrations (the writes are in services.py)."""

from django.utils import timezone

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
