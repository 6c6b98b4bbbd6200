"""Staff actions on a whole event: record attendance, cancel the event."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.services import MailSpec, mail_enqueue_many
from kundenportal.registrations.models import Participation

from .selectors import ATTENDANCE_STATUSES

CANCELLATION_MAIL = "event_cancelled"


@dataclass(frozen=True)
class AttendanceResult:
    marked: int
    unmarked: int
    # Participations that stay ATTENDED because they already have a certificate.
    kept_with_certificate: list[str]


def event_has_begun(event: Event) -> bool:
    return event.first_day <= timezone.localdate()


@transaction.atomic
def attendance_record(
    *, event: Event, attended_ids: Collection[int], actor: Any
) -> AttendanceResult:
    """Set the attendance of the event's confirmed participations: those in ``attended_ids``
    become ATTENDED, the others (back to) CONFIRMED.

    Only for events that have begun and are not cancelled. A participation that already has
    a certificate stays ATTENDED (the certificate must be deleted first).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("Die Veranstaltung ist abgesagt."))
    if not event_has_begun(event):
        raise ValidationError(
            _("Die Teilnahme kann erst ab dem ersten Veranstaltungstag erfasst werden.")
        )
    attended_ids = set(attended_ids)
    rows = list(
        Participation.objects.select_for_update()
        .filter(event=event, status__in=ATTENDANCE_STATUSES)
        .values_list("id", "status")
    )
    to_mark = [pk for pk, status in rows if status != "attended" and pk in attended_ids]
    to_unmark = [pk for pk, status in rows if status == "attended" and pk not in attended_ids]
    with_certificate = set(
        Certificate.objects.filter(participation_id__in=to_unmark).values_list(
            "participation_id", flat=True
        )
    )
    kept = [pk for pk in to_unmark if pk in with_certificate]
    to_unmark = [pk for pk in to_unmark if pk not in with_certificate]
    now = timezone.now()
    Participation.objects.filter(pk__in=to_mark).update(
        status=Participation.Status.ATTENDED, updated_at=now
    )
    Participation.objects.filter(pk__in=to_unmark).update(
        status=Participation.Status.CONFIRMED, updated_at=now
    )
    if to_mark or to_unmark:
        audit_log(
            actor=actor,
            action="event.attendance_record",
            obj=event,
            data={"attended": to_mark, "not_attended": to_unmark},
        )
    kept_names = [
        p.person.get_full_name()
        for p in Participation.objects.filter(pk__in=kept).select_related("person")
    ]
    return AttendanceResult(
        marked=len(to_mark), unmarked=len(to_unmark), kept_with_certificate=kept_names
    )


@dataclass(frozen=True)
class CancellationResult:
    newly_cancelled: bool
    participations: int
    mails: int


@transaction.atomic
def event_cancel(*, event: Event, actor: Any) -> CancellationResult:
    """Cancel ``event`` (Veranstaltung absagen): every booking and waiting-list place is
    cancelled, and each registration's correspondence address gets one German mail naming
    its participants.

    Idempotent: a second call cancels and mails nothing new. Refused once attendance has been
    recorded (the event took place). Confirmation mails still in the outbox are dropped by
    the worker (their context provider finds the event cancelled).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if Participation.objects.filter(event=event, status=Participation.Status.ATTENDED).exists():
        raise ValidationError(
            _(
                "Für %(number)s ist bereits Teilnahme erfasst; eine stattgefundene "
                "Veranstaltung kann nicht abgesagt werden."
            )
            % {"number": event.number}
        )
    newly_cancelled = event.status != Event.Status.CANCELLED
    if newly_cancelled:
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
    affected = list(
        Participation.objects.select_for_update(of=("self",))
        .filter(event=event)
        .exclude(status__in=(Participation.Status.CANCELLED, Participation.Status.ATTENDED))
        .select_related("registration", "person")
        .order_by("registration_id", "id")
    )
    by_registration: dict[int, list[Participation]] = defaultdict(list)
    for participation in affected:
        by_registration[participation.registration_id].append(participation)
    Participation.objects.filter(pk__in=[p.pk for p in affected]).update(
        status=Participation.Status.CANCELLED, updated_at=timezone.now()
    )
    event_data = event_mail_context(event)
    mails = mail_enqueue_many(
        mails=[
            MailSpec(
                template=CANCELLATION_MAIL,
                to=[participations[0].registration.correspondence_email],
                context={
                    "registration_id": registration_id,
                    "event": event_data,
                    "participants": [
                        {
                            "name": p.person.get_full_name(),
                            "waitlisted": p.status == Participation.Status.WAITLISTED,
                        }
                        for p in participations
                    ],
                },
                dedupe_key=f"event_cancelled:{event.pk}:registration:{registration_id}",
            )
            for registration_id, participations in by_registration.items()
        ]
    )
    if newly_cancelled or affected:
        audit_log(
            actor=actor,
            action="event.cancel",
            obj=event,
            data={
                "newly_cancelled": newly_cancelled,
                "participations": [p.pk for p in affected],
                "mails": mails,
            },
        )
    return CancellationResult(
        newly_cancelled=newly_cancelled, participations=len(affected), mails=mails
    )


@transaction.atomic
def event_list_download_log(*, event: Event, kind: str, count: int, actor: Any) -> None:
    """Audit a download of personal data of an event's participants (attendance list,
    spreadsheet, certificate ZIP): who, when, which event, what and how many people."""
    audit_log(
        actor=actor,
        action=f"event.download_{kind}",
        obj=event,
        data={"kind": kind, "count": count},
    )
