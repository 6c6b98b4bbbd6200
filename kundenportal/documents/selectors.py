"""Reads for the portal, always scoped to one person: another person's id finds nothing.

Visibility follows the retention dates in ``rules`` (not whether the purge job already ran).
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

from . import rules
from .models import Certificate, CourseDocument, OnlineLink

# A booked place: documents and the calendar file are for these (not the waiting list).
BOOKED_STATUSES = (
    Participation.Status.REGISTERED,
    Participation.Status.CONFIRMED,
    Participation.Status.ATTENDED,
)
# "Links zu Online-Veranstaltungen" only once the participation is confirmed (attendance is
# recorded on confirmed participations, so those keep the link too).
ONLINE_LINK_STATUSES = (Participation.Status.CONFIRMED, Participation.Status.ATTENDED)


def _booked_by(person, statuses=BOOKED_STATUSES) -> Exists:
    return Exists(
        Participation.objects.filter(event=OuterRef("event"), person=person, status__in=statuses)
    )


def participations_attended(*, person, today: dt.date) -> QuerySet[Participation]:
    """ "Meine Teilnahmen": attended events of the last 10 years, newest first."""
    return (
        Participation.objects.filter(
            person=person,
            status=Participation.Status.ATTENDED,
            event__last_day__gte=rules.participations_visible_last_day_from(today),
        )
        .select_related("event")
        .only(
            "id",
            "status",
            "event__number",
            "event__title",
            "event__first_day",
            "event__last_day",
            "event__format",
            "event__place",
        )
        .order_by("-event__last_day", "-event__first_day", "-id")
    )


def participations_with_documents(*, person, today: dt.date) -> QuerySet[Participation]:
    """ "Meine Veranstaltungsunterlagen": booked upcoming events, and past events whose
    documents are still online, each with its documents (soonest first)."""
    documents_online_from = rules.course_documents_visible_last_day_from(today)
    has_documents = Exists(CourseDocument.objects.filter(event=OuterRef("event")))
    upcoming = Participation.objects.filter(event__last_day__gte=today)
    recent_with_documents = Participation.objects.filter(
        event__last_day__lt=today, event__last_day__gte=documents_online_from
    ).filter(has_documents)
    return (
        (upcoming | recent_with_documents)
        .filter(person=person, status__in=BOOKED_STATUSES)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event")
        .only(
            "id",
            "status",
            "event__number",
            "event__title",
            "event__first_day",
            "event__last_day",
            "event__format",
            "event__place",
        )
        .prefetch_related(
            Prefetch(
                "event__documents",
                queryset=CourseDocument.objects.only(
                    "id", "event_id", "title", "filename", "size"
                ).order_by("title", "id"),
            )
        )
        .order_by("event__first_day", "event__number", "id")
    )


def certificates_for_person(*, person, today: dt.date) -> QuerySet[Certificate]:
    """ "Meine Dokumente": certificates still within their 10 years, newest first."""
    return (
        Certificate.objects.filter(
            participation__person=person,
            issued_on__gte=rules.certificates_visible_issued_from(today),
        )
        .select_related("participation__event")
        .only(
            "id",
            "title",
            "issued_on",
            "filename",
            "size",
            "participation__id",
            "participation__event__number",
            "participation__event__title",
            "participation__event__first_day",
            "participation__event__last_day",
        )
        .order_by("-issued_on", "-id")
    )


def online_links_for_person(*, person, today: dt.date) -> QuerySet[OnlineLink]:
    """Join links of the person's confirmed online trainings that are still online."""
    return (
        OnlineLink.objects.filter(
            event__last_day__gte=rules.course_documents_visible_last_day_from(today)
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .filter(_booked_by(person, ONLINE_LINK_STATUSES))
        .select_related("event")
        .order_by("event__first_day", "event__number", "id")
    )


def course_document_for_person(*, person, pk: int, today: dt.date) -> CourseDocument:
    """One course document the person may download. Raises CourseDocument.DoesNotExist."""
    return (
        CourseDocument.objects.filter(
            pk=pk, event__last_day__gte=rules.course_documents_visible_last_day_from(today)
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .filter(_booked_by(person))
        .get()
    )


def certificate_for_person(*, person, pk: int, today: dt.date) -> Certificate:
    """One certificate of the person, within its 10 years. Raises Certificate.DoesNotExist."""
    return Certificate.objects.filter(
        pk=pk,
        participation__person=person,
        issued_on__gte=rules.certificates_visible_issued_from(today),
    ).get()


def online_link_for_person(*, person, pk: int, today: dt.date) -> OnlineLink:
    """One join link of the person's confirmed online training. Raises OnlineLink.DoesNotExist."""
    return online_links_for_person(person=person, today=today).get(pk=pk)


def participation_booked_for_person(*, person, pk: int) -> Participation:
    """A booked participation of the person (for the calendar file). Raises DoesNotExist."""
    return (
        Participation.objects.filter(pk=pk, person=person, status__in=BOOKED_STATUSES)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event")
        .get()
    )
