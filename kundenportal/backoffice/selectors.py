from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

# The participations on the attendance list: confirmed ones, and those already recorded.
ATTENDANCE_STATUSES = (Participation.Status.CONFIRMED, Participation.Status.ATTENDED)


def attendance_list(*, event: Event) -> QuerySet[Participation]:
    """The event's confirmed and attended participations, by name, each with its person and
    ``has_certificate`` (one query however many there are)."""
    return (
        Participation.objects.filter(event=event, status__in=ATTENDANCE_STATUSES)
        .select_related("person", "person__company")
        .annotate(
            has_certificate=Exists(Certificate.objects.filter(participation=OuterRef("pk"))),
        )
        .order_by("person__last_name", "person__first_name", "id")
    )


def event_certificate_counts(*, event: Event) -> dict[str, int]:
    """Attended participations, and how many of them have a certificate."""
    attended = Participation.objects.filter(event=event, status=Participation.Status.ATTENDED)
    return {
        "attended": attended.count(),
        # Exists, not a join: a participation may have several (revoked and re-issued) ones.
        "with_certificate": attended.filter(
            Exists(Certificate.objects.filter(participation=OuterRef("pk")))
        ).count(),
    }


def events_with_cancel_counts(*, events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` with ``active`` (booked or waiting), ``attended`` and ``registrations_count``
    (registrations that would get a cancellation mail)."""
    active = Q(
        participations__status__in=(
            Participation.Status.REGISTERED,
            Participation.Status.CONFIRMED,
            Participation.Status.WAITLISTED,
        )
    )
    return events.annotate(
        active=Count("participations", filter=active),
        attended=Count(
            "participations", filter=Q(participations__status=Participation.Status.ATTENDED)
        ),
        registrations_count=Count("participations__registration", filter=active, distinct=True),
    )
