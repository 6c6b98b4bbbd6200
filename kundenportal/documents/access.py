"""The one rule for "may this person have this file": portal downloads, the data export, the
mails that announce a document and any later interface ask here, in its queryset form (for
lists and lookups by id) or its yes/no form (for one object at hand).

FAQ: "Bescheinigungen können Sie 10 Jahre einsehen und herunterladen." and "Kursbezogene
Dokumente ... bleiben 42 Tage nach dem letzten Veranstaltungstag online". A certificate that
staff revoked, or replaced by a corrected one (which revokes it), never leaves through any
path: the participant sees it listed as revoked, the export lists it as data, without its PDF.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

from . import rules
from .models import Certificate, CourseDocument

# A booked place: documents are for these (not the waiting list).
BOOKED_STATUSES = (
    Participation.Status.REGISTERED,
    Participation.Status.CONFIRMED,
    Participation.Status.ATTENDED,
)


def certificate_valid_q(*, today: dt.date, prefix: str = "") -> Q:
    """A certificate that still proves its course today: within its 10 years, neither
    revoked nor replaced (``prefix`` reaches it from another model, e.g. "certificate__")."""
    return Q(
        **{
            f"{prefix}issued_on__gte": rules.certificates_visible_issued_from(today),
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}replaced_by__isnull": True,
        }
    )


def certificates_obtainable(*, person, today: dt.date) -> QuerySet[Certificate]:
    """The person's certificates whose file the person may have today: their own, valid
    (``certificate_valid_q``), on an active account."""
    return Certificate.objects.filter(
        certificate_valid_q(today=today),
        participation__person=person,
        participation__person__is_active=True,
    )


def certificate_obtainable(*, person, certificate: Certificate, today: dt.date) -> bool:
    """Whether ``person`` may have the file of ``certificate`` today."""
    return certificates_obtainable(person=person, today=today).filter(pk=certificate.pk).exists()


def course_documents_obtainable(*, person, today: dt.date) -> QuerySet[CourseDocument]:
    """Course documents the person may download today: of an event the person booked a
    place in, not cancelled, until the 42nd day after its last day."""
    return CourseDocument.objects.filter(
        event__last_day__gte=rules.course_documents_visible_last_day_from(today),
        event__status__in=Event.NOT_CANCELLED_STATUSES,
    ).filter(
        Exists(
            Participation.objects.filter(
                event=OuterRef("event"), person=person, status__in=BOOKED_STATUSES
            )
        )
    )


def course_document_obtainable(*, person, document: CourseDocument, today: dt.date) -> bool:
    """Whether ``person`` may download ``document`` today."""
    return course_documents_obtainable(person=person, today=today).filter(pk=document.pk).exists()
