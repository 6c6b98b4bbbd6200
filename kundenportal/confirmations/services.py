"""Durchführung bestätigen.

FAQ: "Mit jeder Durchführungsbestätigung zu einer Veranstaltung erhalten Sie Ihre
Zugangsdaten mit Benutzername und Passwort bzw. Passwort-Hinweis."

One mail per active participation, to the registration's correspondence address and the
participant's own address. The outbox's dedupe key per participation makes every step
idempotent: confirming twice, or the worker and staff at the same moment, sends one mail.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.services import MailSpec, mail_enqueue_many
from kundenportal.registrations.models import Participation

from .mail import TEMPLATE
from .selectors import confirmation_counts, participations_awaiting_confirmation

CHUNK = 500


def dedupe_key(participation_id: int) -> str:
    return f"confirmation:participation:{participation_id}"


@dataclass(frozen=True)
class ConfirmationResult:
    event: Event
    newly_confirmed: bool
    mails: int
    held_back: int


def _enqueue(participations: QuerySet[Participation], *, actor: Any | None) -> int:
    """Enqueue the mails of ``participations`` (chunked, bounded memory); returns how many."""
    total = 0
    while True:
        chunk = list(participations.select_related("registration", "event").order_by("id")[:CHUNK])
        if not chunk:
            return total
        events = {p.event_id: event_mail_context(p.event) for p in chunk}
        total += mail_enqueue_many(
            mails=[
                MailSpec(
                    template=TEMPLATE,
                    to=[p.registration.correspondence_email, p.email],
                    context={"participation_id": p.pk, "event": events[p.event_id]},
                    dedupe_key=dedupe_key(p.pk),
                )
                for p in chunk
            ]
        )
        now = timezone.now()
        ids = [p.pk for p in chunk]
        Participation.objects.filter(pk__in=ids, confirmation_sent_at__isnull=True).update(
            confirmation_sent_at=now, updated_at=now
        )
        Participation.objects.filter(pk__in=ids, status=Participation.Status.REGISTERED).update(
            status=Participation.Status.CONFIRMED, updated_at=now
        )
        by_event: dict[int, list[int]] = {}
        for p in chunk:
            by_event.setdefault(p.event_id, []).append(p.pk)
        for event_id, participation_ids in by_event.items():
            event = next(p.event for p in chunk if p.event_id == event_id)
            audit_log(
                actor=actor,
                action="event.confirmation_mails_enqueued",
                obj=event,
                data={"participation_ids": participation_ids},
            )


@transaction.atomic
def event_confirm(*, event: Event, actor: Any) -> ConfirmationResult:
    """Confirm that ``event`` takes place and enqueue every participant's mail.

    Participations of registrations in staff review are held back (counted in the result);
    ``confirmations_enqueue_pending`` sends them once the review is resolved.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("Eine abgesagte Veranstaltung kann nicht bestätigt werden."))
    newly_confirmed = event.status != Event.Status.CONFIRMED
    if newly_confirmed:
        event.status = Event.Status.CONFIRMED
        event.confirmed_at = timezone.now()
        event.save(update_fields=["status", "confirmed_at", "updated_at"])
    mails = _enqueue(participations_awaiting_confirmation(event=event), actor=actor)
    held_back = confirmation_counts(event=event).held_back
    audit_log(
        actor=actor,
        action="event.confirm",
        obj=event,
        data={"newly_confirmed": newly_confirmed, "mails": mails, "held_back": held_back},
    )
    return ConfirmationResult(
        event=event, newly_confirmed=newly_confirmed, mails=mails, held_back=held_back
    )


def confirmations_enqueue_pending() -> int:
    """Enqueue the mail of every participation that should have one and has none.

    Idempotent. Covers participations added after the confirmation and those whose
    registration review was resolved. Run by the worker on every loop and after a
    registration is committed.
    """
    # A plain read first: the worker calls this every few seconds, and on SQLite a write
    # transaction would take the database's write lock each time.
    if not participations_awaiting_confirmation().exists():
        return 0
    with transaction.atomic():
        return _enqueue(participations_awaiting_confirmation(), actor=None)
