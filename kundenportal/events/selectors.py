from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import Event

# Participation statuses that hold a seat (kept here as strings: registrations sits above).
_SEAT_STATUSES = ("registered", "confirmed", "attended")


def events_with_free_seats(queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """Annotate ``taken_seats`` and ``free_seats`` in the same query."""
    queryset = queryset if queryset is not None else Event.objects.all()
    return queryset.annotate(
        taken_seats=Count("participations", filter=Q(participations__status__in=_SEAT_STATUSES))
    ).annotate(free_seats=Greatest(F("capacity") - F("taken_seats"), 0))


def events_bookable() -> QuerySet[Event]:
    """Events that can still be booked: a bookable status and not yet begun (the question
    ``registrations.selectors.registration_is_open`` asks of one event)."""
    return Event.objects.filter(
        status__in=Event.BOOKABLE_STATUSES, first_day__gt=timezone.localdate()
    )


def events_upcoming(*, query: str = "", format: str = "") -> QuerySet[Event]:
    """Events in the public catalogue: bookable and not yet begun, soonest first."""
    queryset = events_bookable()
    if query:
        queryset = queryset.filter(Q(title__icontains=query) | Q(number__icontains=query))
    if format in Event.Format.values:
        queryset = queryset.filter(format=format)
    return events_with_free_seats(queryset).order_by("first_day", "number")


def event_public_get(*, number: str) -> Event:
    """One event as the public may see it (not drafts). Raises Event.DoesNotExist."""
    return events_with_free_seats(Event.objects.exclude(status=Event.Status.DRAFT)).get(
        number=number
    )


def free_seats_by_event(*, event_ids: list[int]) -> dict[int, int]:
    """Free seats of these events now, in one query (never cached: every booking moves them)."""
    if not event_ids:
        return {}
    return dict(
        events_with_free_seats(Event.objects.filter(pk__in=event_ids)).values_list(
            "pk", "free_seats"
        )
    )
