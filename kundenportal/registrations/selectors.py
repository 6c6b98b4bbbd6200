"""Reads of registrations (the writes are in services.py)."""

from kundenportal.events.models import Event

from .models import Registration


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
