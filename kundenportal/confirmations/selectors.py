from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation, Registration

# Participations that get a Durchführungsbestätigung (not on the waiting list, not cancelled).
ACTIVE_STATUSES = (Participation.Status.REGISTERED, Participation.Status.CONFIRMED)


def participations_awaiting_confirmation(*, event: Event | None = None) -> QuerySet[Participation]:
    """Active participations of confirmed, not yet finished events that have no mail yet.

    Held back: participations whose registration awaits staff review (the review may attach
    the participant to another account before credentials go out).
    """
    qs = Participation.objects.filter(
        event__status=Event.Status.CONFIRMED,
        event__last_day__gte=timezone.localdate(),
        status__in=ACTIVE_STATUSES,
        confirmation_sent_at__isnull=True,
    ).exclude(registration__review=Registration.Review.PENDING)
    if event is not None:
        qs = qs.filter(event=event)
    return qs


def _held_back_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status__in": ACTIVE_STATUSES,
            f"{prefix}confirmation_sent_at__isnull": True,
            f"{prefix}registration__review": Registration.Review.PENDING,
        }
    )


def events_with_held_back_count(*, events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` annotated with ``held_back``: participations waiting for a review."""
    return events.annotate(
        held_back=Count("participations", filter=_held_back_q("participations__"))
    )


def events_with_confirmation_counts(*, events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` annotated with ``held_back`` (in review), ``to_send`` and ``sent`` counts."""
    p = "participations__"
    return events.annotate(
        held_back=Count("participations", filter=_held_back_q(p)),
        to_send=Count(
            "participations",
            filter=Q(
                **{
                    f"{p}status__in": ACTIVE_STATUSES,
                    f"{p}confirmation_sent_at__isnull": True,
                }
            )
            & ~Q(**{f"{p}registration__review": Registration.Review.PENDING}),
        ),
        sent=Count("participations", filter=Q(**{f"{p}confirmation_sent_at__isnull": False})),
    )


@dataclass(frozen=True)
class ConfirmationCounts:
    to_send: int
    held_back: int
    sent: int


def confirmation_counts(*, event: Event) -> ConfirmationCounts:
    row = events_with_confirmation_counts(events=Event.objects.filter(pk=event.pk)).get()
    return ConfirmationCounts(to_send=row.to_send, held_back=row.held_back, sent=row.sent)
