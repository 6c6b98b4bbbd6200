"""Umbuchung: staff move a participant to another run of the same course.

"The same course" is an event with the same title (ignoring case and spacing) and the same
letter prefix of its number (K-2609 and K-2611 are runs of one course; the four digits are
the month of the run). The person keeps their account; the booking moves to the other run
as a new registration with the booker's address, so each registration keeps belonging to
one event, and the old participation is cancelled (its seat becomes free).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.events.selectors import events_bookable
from kundenportal.notifications.services import mail_enqueue

from .models import Participation, Registration
from .selectors import event_taken_seats, registration_is_open

REBOOK_MAIL = "participation_rebooked"
# Participations that can move: booked or waiting, not yet attended or cancelled.
REBOOKABLE_STATUSES = (
    Participation.Status.REGISTERED,
    Participation.Status.CONFIRMED,
    Participation.Status.WAITLISTED,
)
_ADDRESS_FIELDS = ("street", "postal_code", "city", "country", "phone")


def course_prefix(number: str) -> str:
    """The letters before the run number: "K-2609" → "K"."""
    match = re.match(r"\s*([A-Za-z]+)", number or "")
    return match.group(1).upper() if match else ""


def _title_key(title: str) -> str:
    return " ".join((title or "").split()).casefold()


def events_same_course(*, event: Event) -> QuerySet[Event]:
    """Other runs of ``event``'s course that can still be booked, soonest first."""
    upcoming = events_bookable().filter(number__istartswith=course_prefix(event.number))
    upcoming = upcoming.exclude(pk=event.pk)
    # Titles are compared in Python (case and spacing as people type them, umlauts too,
    # which SQLite's case-insensitive match does not fold); the upcoming runs of one
    # number prefix are few.
    key = _title_key(event.title)
    same = [pk for pk, title in upcoming.values_list("pk", "title") if _title_key(title) == key]
    return Event.objects.filter(pk__in=same).order_by("first_day", "number")


def is_same_course(a: Event, b: Event) -> bool:
    return course_prefix(a.number) == course_prefix(b.number) and _title_key(a.title) == _title_key(
        b.title
    )


@dataclass(frozen=True)
class RebookResult:
    participation: Participation
    waitlisted: bool
    # People waiting for a seat at the old run (staff may let one move up).
    waiting_at_source: int


@transaction.atomic
def participation_rebook(
    *, participation: Participation, target: Event, actor: Any
) -> RebookResult:
    """Move ``participation`` to the run ``target`` of the same course.

    Seats are checked under the lock of the target event's row, as for a registration:
    with a free seat the person is booked (angemeldet), otherwise put on the target's
    waiting list. The correspondence address (and the participant's own address) get a
    German mail saying which. The account stays the same.
    """
    # Both event rows, in a fixed order, so two rebookings in opposite directions cannot
    # deadlock; the target's lock orders seat-taking as in registration_submit.
    events = {
        e.pk: e
        for e in Event.objects.select_for_update()
        .filter(pk__in={participation.event_id, target.pk})
        .order_by("pk")
    }
    source, target = events[participation.event_id], events[target.pk]
    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("registration", "person")
        .get(pk=participation.pk)
    )
    if participation.status not in REBOOKABLE_STATUSES:
        raise ValidationError(
            _("Nur angemeldete, bestätigte oder wartende Teilnahmen können umgebucht werden.")
        )
    if target.pk == source.pk or not is_same_course(source, target):
        raise ValidationError(
            _("%(target)s ist kein anderer Termin derselben Veranstaltung wie %(source)s.")
            % {"target": target.number, "source": source.number}
        )
    if not registration_is_open(target):
        raise ValidationError(
            _("Für %(number)s ist keine Anmeldung mehr möglich.") % {"number": target.number}
        )
    person = participation.person
    if (
        Participation.objects.filter(event=target, person=person)
        .exclude(status=Participation.Status.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            _("%(name)s ist für %(number)s bereits angemeldet.")
            % {"name": person.get_full_name(), "number": target.number}
        )

    old_registration = participation.registration
    previous_status = participation.status
    participation.status = Participation.Status.CANCELLED
    participation.save(update_fields=["status", "updated_at"])

    registration = Registration(
        event=target,
        correspondence_email=old_registration.correspondence_email,
        company_name=old_registration.company_name,
        is_private_address=old_registration.is_private_address,
        remarks=old_registration.remarks,
        consent_at=old_registration.consent_at,
        review=old_registration.review,
        reviewed_at=old_registration.reviewed_at,
        reviewed_by=old_registration.reviewed_by,
        **{field: getattr(old_registration, field) for field in _ADDRESS_FIELDS},
    )
    registration.save()
    seat_free = event_taken_seats(target) < target.capacity
    new = Participation.objects.create(
        registration=registration,
        event=target,
        person=person,
        company=participation.company,
        email=participation.email,
        status=Participation.Status.REGISTERED if seat_free else Participation.Status.WAITLISTED,
        rebooked_from=participation,
    )
    mail_enqueue(
        template=REBOOK_MAIL,
        to=[registration.correspondence_email, new.email],
        context={
            "registration_id": registration.pk,
            "previous_registration_id": old_registration.pk,
            "name": person.get_full_name(),
            "from_event": event_mail_context(source),
            "event": event_mail_context(target),
            "waitlisted": not seat_free,
        },
        dedupe_key=f"{REBOOK_MAIL}:{new.pk}",
    )
    audit_log(
        actor=actor,
        action="participation.rebook",
        obj=new,
        data={
            "from_participation": participation.pk,
            "from_event": source.number,
            "to_event": target.number,
            "previous_status": previous_status,
            "status": new.status,
            "registration": registration.pk,
        },
    )
    waiting = Participation.objects.filter(
        event=source, status=Participation.Status.WAITLISTED
    ).count()
    return RebookResult(participation=new, waitlisted=not seat_free, waiting_at_source=waiting)
