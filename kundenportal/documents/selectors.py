"""Reads for the portal, always scoped to one person: another person's id finds nothing.

Visibility follows the retention dates in ``rules`` (not whether the purge job already ran).
"""

import datetime as dt

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

from . import rules
from .access import BOOKED_STATUSES, certificates_obtainable, course_documents_obtainable
from .models import Certificate, CourseDocument, OnlineLink

__all__ = ["BOOKED_STATUSES"]
# "Links zu Online-Veranstaltungen" only once the participation is confirmed (attendance is
# recorded on confirmed participations, so those keep the link too).
ONLINE_LINK_STATUSES = (Participation.Status.CONFIRMED, Participation.Status.ATTENDED)


# The section lists return plain values (dicts), not model instances: building hundreds of
# instances and compiling prefetch queries cost more than the rest of the page together
# (measured with bench/portal.py).
EVENT_VALUES = (
    "event__number",
    "event__title",
    "event__first_day",
    "event__last_day",
    "event__format",
    "event__place",
)
DOC = "event__documents__"
DOC_ID = DOC + "id"
DOC_VALUES = (DOC + "title", DOC + "filename", DOC + "size")


def participations_attended(*, person, today: dt.date) -> QuerySet:
    """ "Meine Teilnahmen": attended events of the last 10 years, newest first (dicts)."""
    return (
        Participation.objects.filter(
            person=person,
            status=Participation.Status.ATTENDED,
            event__last_day__gte=rules.participations_visible_last_day_from(today),
        )
        .order_by("-event__last_day", "-event__first_day", "-id")
        .values("id", *EVENT_VALUES)
    )


def participations_with_documents(*, person, today: dt.date) -> list[dict]:
    """ "Meine Veranstaltungsunterlagen": booked upcoming events, and past events whose
    documents are still online, soonest first; each dict has its ``documents``.

    The list is short by nature (upcoming bookings and the last 42 days), so it is read whole,
    in one query: each participation joined with its event's documents (a row without a
    document for an event that has none).
    """
    rows: dict[int, dict] = {}
    for row in (
        Participation.objects.filter(
            person=person,
            status__in=BOOKED_STATUSES,
            event__last_day__gte=rules.course_documents_visible_last_day_from(today),
            event__status__in=Event.NOT_CANCELLED_STATUSES,
        )
        .order_by("event__first_day", "event__number", "id", DOC + "title", DOC_ID)
        .values("id", *EVENT_VALUES, DOC_ID, *DOC_VALUES)
    ):
        participation = rows.get(row["id"])
        if participation is None:
            participation = rows[row["id"]] = {
                "id": row["id"],
                **{name: row[name] for name in EVENT_VALUES},
                "documents": [],
            }
        if row[DOC_ID] is not None:
            participation["documents"].append(
                {"id": row[DOC_ID], **{name[len(DOC) :]: row[name] for name in DOC_VALUES}}
            )
    # A past event is listed only while it has documents to offer.
    return [r for r in rows.values() if r["documents"] or r["event__last_day"] >= today]


# Each row of ``certificates_for_person`` says whether ``online_links_for_person`` would find
# anything, so the page reads the (usually empty) links only when there are some.
ONLINE_LINKS_EXIST = "online_links_exist"


def certificates_for_person(*, person, today: dt.date) -> QuerySet:
    """ "Meine Dokumente": certificates still within their 10 years, newest first (dicts).

    A certificate replaced by a corrected one is left out (the corrected one is listed); one
    revoked without replacement is listed with ``revoked_at``, so the participant sees why it
    is no longer valid, but it cannot be downloaded. Every row carries ``ONLINE_LINKS_EXIST``.
    """
    return (
        Certificate.objects.filter(
            participation__person=person,
            issued_on__gte=rules.certificates_visible_issued_from(today),
            replaced_by__isnull=True,
        )
        .order_by("-issued_on", "-id")
        .values(
            "id",
            "title",
            "issued_on",
            "revoked_at",
            "filename",
            "size",
            "participation__event__number",
            "participation__event__title",
            **{ONLINE_LINKS_EXIST: _online_links_exist(person=person, today=today)},
        )
    )


def _online_links_exist(*, person, today: dt.date) -> RawSQL:
    """``_online_links(person, today).exists()`` as SQL for another query to carry along.

    Written out because compiling the ORM's EXISTS took as long as running the links query
    (a fifth of "Meine Dokumente", bench/load.py); the conditions and values are
    ``_online_links``' (tests/documents/test_selectors.py compares the two).
    """
    link, event, part = (m._meta for m in (OnlineLink, Event, Participation))

    def col(meta, name):
        return meta.get_field(name).column

    def some(values):
        return ", ".join(["%s"] * len(values))

    # Only table and column names from the models go into the text; every value is a parameter.
    sql = (
        f"EXISTS (SELECT 1 FROM {link.db_table} l"  # noqa: S608
        f" JOIN {event.db_table} e ON e.{col(event, 'id')} = l.{col(link, 'event')}"
        f" JOIN {part.db_table} p ON p.{col(part, 'event')} = e.{col(event, 'id')}"
        f" WHERE e.{col(event, 'last_day')} >= %s"
        f" AND e.{col(event, 'status')} IN ({some(Event.NOT_CANCELLED_STATUSES)})"
        f" AND p.{col(part, 'person')} = %s"
        f" AND p.{col(part, 'status')} IN ({some(ONLINE_LINK_STATUSES)}))"
    )
    params = [
        rules.course_documents_visible_last_day_from(today),
        *Event.NOT_CANCELLED_STATUSES,
        person.pk,
        *ONLINE_LINK_STATUSES,
    ]
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611


def _online_links(*, person, today: dt.date) -> QuerySet[OnlineLink]:
    # Joined with the person's participation: an event has at most one that is not
    # cancelled (a unique constraint), so no link appears twice.
    return OnlineLink.objects.filter(
        event__last_day__gte=rules.course_documents_visible_last_day_from(today),
        event__status__in=Event.NOT_CANCELLED_STATUSES,
        event__participations__person=person,
        event__participations__status__in=ONLINE_LINK_STATUSES,
    )


def online_links_for_person(*, person, today: dt.date) -> QuerySet:
    """Join links of the person's confirmed online trainings that are still online (dicts)."""
    return (
        _online_links(person=person, today=today)
        .order_by("event__first_day", "event__number", "id")
        .values("id", "title", "note", "event__title", "event__first_day", "event__last_day")
    )


def course_document_for_person(*, person, pk: int, today: dt.date) -> CourseDocument:
    """One course document the person may download (``access``). Raises
    CourseDocument.DoesNotExist."""
    return course_documents_obtainable(person=person, today=today).get(pk=pk)


def certificate_for_person(*, person, pk: int, today: dt.date) -> Certificate:
    """One certificate whose file the person may have (``access``: a revoked or replaced one
    never). Raises Certificate.DoesNotExist."""
    return certificates_obtainable(person=person, today=today).get(pk=pk)


def online_link_for_person(*, person, pk: int, today: dt.date) -> OnlineLink:
    """One join link of the person's confirmed online training. Raises OnlineLink.DoesNotExist."""
    return _online_links(person=person, today=today).get(pk=pk)


def participation_booked_for_person(*, person, pk: int) -> Participation:
    """A booked participation of the person (for the calendar file). Raises DoesNotExist."""
    return (
        Participation.objects.filter(
            pk=pk,
            person=person,
            status__in=BOOKED_STATUSES,
            event__status__in=Event.NOT_CANCELLED_STATUSES,
        )
        .select_related("event")
        .get()
    )


def certificate_for_check(*, code: str, today: dt.date) -> dict:
    """What the public check page may show of a certificate: name, event title, dates, issue
    date, the qualification its course grants or refreshes (course data: until when this
    certificate keeps it valid, not the person's later courses), and whether and when it was revoked (and whether a corrected one replaced it; the
    new code is not shown). Only certificates within their 10 years. Raises
    Certificate.DoesNotExist."""
    return (
        Certificate.objects.filter(
            verification_code=code,
            issued_on__gte=rules.certificates_visible_issued_from(today),
        )
        .values(
            "issued_on",
            "revoked_at",
            "replaced_by__issued_on",
            "participation__person__title",
            "participation__person__first_name",
            "participation__person__last_name",
            "participation__event__title",
            "participation__event__first_day",
            "participation__event__last_day",
            "participation__event__qualification_role",
            "participation__event__qualification__name",
            "participation__event__qualification__legal_basis",
            "participation__event__qualification__refresh_months",
        )
        .get()
    )
