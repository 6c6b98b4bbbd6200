import datetime as dt

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
        .select_related("person", "company")
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


# The lists staff print or open in a spreadsheet: everyone with a seat, and the waiting list
# in the spreadsheet (with its status); cancelled participations are on neither.
LIST_STATUSES = Participation.SEAT_STATUSES
SPREADSHEET_STATUSES = (*Participation.SEAT_STATUSES, Participation.Status.WAITLISTED)


def event_participant_rows(*, event: Event, statuses=LIST_STATUSES) -> QuerySet:
    """The event's participants by name as plain dicts (one query however many)."""
    return (
        Participation.objects.filter(event=event, status__in=statuses)
        .order_by("person__last_name", "person__first_name", "id")
        .values(
            "id",
            "status",
            "email",
            "created_at",
            "registration_id",
            "registration__company_name",
            "registration__correspondence_email",
            "person__username",
            "person__salutation",
            "person__title",
            "person__first_name",
            "person__last_name",
            "person__email",
            # The company the participation was booked under, not the person's current one.
            "company__name",
        )
    )


def event_certificate_files(*, event: Event) -> QuerySet:
    """The valid certificates of an event with their files (plain dicts, one query)."""
    return (
        Certificate.objects.filter(participation__event=event, revoked_at__isnull=True)
        .order_by("participation__person__last_name", "participation__person__first_name", "id")
        .values("id", "file", "filename")
    )


# --- The start page's work queue -------------------------------------------------------------
# Events starting within this many days still without a Durchführungsbestätigung.
CONFIRMATION_DUE_DAYS = 14


def event_work_conditions(*, today: dt.date) -> dict[str, Q]:
    """The events that wait for staff, by kind of work (each a condition on ``Event``): the
    work queue counts them and the event list's filter "Zu erledigen" shows the same rows."""
    valid_certificate = Certificate.objects.filter(
        participation=OuterRef("pk"), revoked_at__isnull=True
    )
    attended = Participation.objects.filter(
        event=OuterRef("pk"), status=Participation.Status.ATTENDED
    )
    finished = Q(last_day__lt=today, status=Event.Status.CONFIRMED)
    return {
        "bestaetigen": Q(
            status=Event.Status.PUBLISHED,
            first_day__gte=today,
            first_day__lte=today + dt.timedelta(days=CONFIRMATION_DUE_DAYS),
        ),
        # Over, people were booked, and nobody is recorded as attended yet.
        "teilnahme": finished
        & Q(
            Exists(
                Participation.objects.filter(
                    event=OuterRef("pk"), status=Participation.Status.CONFIRMED
                )
            )
        )
        & ~Q(Exists(attended)),
        # Over, and someone attended who has no valid certificate.
        "bescheinigungen": finished & Q(Exists(attended.filter(~Exists(valid_certificate)))),
    }


def event_work_counts(*, today: dt.date) -> dict[str, int]:
    """How many events wait for each kind of work (one query)."""
    conditions = event_work_conditions(today=today)
    return Event.objects.aggregate(
        **{kind: Count("pk", filter=condition) for kind, condition in conditions.items()}
    )
