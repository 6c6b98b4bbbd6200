"""Staff corrections after a booking: review, reassignment to an account, waiting list, cancel."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_bind
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.accounts.services import person_company_move
from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange
from kundenportal.companies.services import company_resolve
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.services import mail_enqueue

from ..models import Participation, Registration
from ..selectors import CompanyChange, event_taken_seats, participation_company_change


@transaction.atomic
def registration_review_complete(*, registration: Registration, actor: Any) -> Registration:
    """Staff have read the remark and done what it asked: the registration may proceed."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.review != Registration.Review.PENDING:
        return registration
    registration.review = Registration.Review.DONE
    registration.reviewed_at = timezone.now()
    registration.reviewed_by = actor
    registration.save(update_fields=["review", "reviewed_at", "reviewed_by"])
    audit_log(actor=actor, action="registration.review_complete", obj=registration)
    return registration


def _account_is_disposable(person: Person, *, except_participation: Participation) -> bool:
    """True if the account holds nothing but this participation and never got credentials.

    The check asks the ORM what a delete would take with it, so relations added later by
    other apps (documents, certificates) keep an account alive without changes here.
    """
    if (
        person.is_staff
        or person.last_login is not None
        or person.has_own_password
        or person.initial_password
        or Participation.objects.filter(person=person).exclude(pk=except_participation.pk).exists()
        or Participation.objects.filter(person=person, confirmation_sent_at__isnull=False).exists()
    ):
        return False
    collector = Collector(using="default")
    collector.collect([person])
    allowed = {Person, AddressChange, BoundAddress, Participation, Person.groups.through}
    allowed.add(Person.user_permissions.through)
    for model, instances in collector.data.items():
        if model is Participation:
            if {i.pk for i in instances} - {except_participation.pk}:
                return False
        elif model not in allowed and instances:
            return False
    for qs in collector.fast_deletes:
        if qs.model is Participation:
            qs = qs.exclude(pk=except_participation.pk)
        elif qs.model in allowed:
            continue
        if qs.exists():
            return False
    return True


class CompanyChangeUnconfirmed(ValidationError):
    """The booking's company or address differ from the account's: staff must see both and
    confirm that the account moves (``company_change_confirmed=True``)."""

    def __init__(self, change: CompanyChange):
        super().__init__(
            _(
                "Firma oder Anschrift der Anmeldung weichen vom Konto ab. Bitte vergleichen "
                "Sie die Angaben und bestätigen Sie den Firmenwechsel."
            )
        )
        self.change = change


def _company_move(
    *, person: Person, participation: Participation, change: CompanyChange, actor: Any
) -> None:
    """The account takes the booking's company, address and e-mail; the booking's addresses
    may receive its access data from now on (staff checked the remark)."""
    registration = participation.registration
    company = change.company
    if company is None and change.company_name:
        company, _created = company_resolve(
            name=change.company_name, address=change.address, actor=actor
        )
    if participation.company_id is None and company is not None:
        participation.company = company
        participation.save(update_fields=["company", "updated_at"])
    person_company_move(
        person=person,
        company=company,
        company_name=change.company_name,
        address=change.address,
        email=change.email,
        actor=actor,
        source_registration_id=registration.pk,
    )
    for email in (registration.correspondence_email, participation.email):
        address_bind(
            person=person,
            email=email,
            source=BoundAddress.Source.COMPANY_CHANGE,
            actor=actor,
            registration_id=registration.pk,
        )


@transaction.atomic
def participation_reassign(
    *,
    participation: Participation,
    username: str,
    actor: Any,
    complete_review: bool = True,
    company_change_confirmed: bool = False,
) -> tuple[Participation, bool]:
    """Attach a participation to an existing account (the company-change case).

    FAQ: "Behalte ich mein Konto, wenn ich die Firma gewechselt habe? Ja, wenn Sie uns dies
    bei Ihrer nächsten Anmeldung über das Bemerkungsfeld im Anmeldeschritt 3 mitteilen."
    If the booking's company or address differ from the account's, staff must have seen both
    (``CompanyChangeUnconfirmed`` otherwise); confirmed, the account moves to the booking's
    company and address, while its earlier participations keep the company they were booked
    under. The account created for the booking is deleted when it holds nothing else and
    never received credentials. Returns ``(participation, old_account_deleted)``.
    """
    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("person", "registration", "event", "company")
        .get(pk=participation.pk)
    )
    target = (
        Person.objects.select_for_update().filter(username=(username or "").strip().lower()).first()
    )
    if target is None:
        raise ValidationError(_("Ein Konto mit diesem Benutzernamen gibt es nicht."))
    if target.is_staff or not target.is_active:
        raise ValidationError(_("Diesem Konto kann keine Teilnahme zugeordnet werden."))
    old = participation.person
    if target.pk == old.pk:
        raise ValidationError(_("Die Teilnahme gehört bereits zu diesem Konto."))
    if participation.confirmation_sent_at is not None:
        raise ValidationError(
            _(
                "Die Zugangsdaten für diese Teilnahme wurden bereits versandt; bitte führen Sie "
                "die Konten stattdessen zusammen."
            )
        )
    if (
        Participation.objects.filter(event=participation.event, person=target)
        .exclude(status=Participation.Status.CANCELLED)
        .exists()
    ):
        raise ValidationError(_("Dieses Konto ist für die Veranstaltung bereits angemeldet."))
    change = participation_company_change(participation=participation, target=target)
    if change is not None and not company_change_confirmed:
        raise CompanyChangeUnconfirmed(change)

    participation.person = target
    participation.save(update_fields=["person", "updated_at"])
    if change is not None:
        _company_move(person=target, participation=participation, change=change, actor=actor)
    deleted = False
    old_label = {"old_person_id": old.pk}
    if _account_is_disposable(old, except_participation=participation):
        # Pending address changes of the throw-away account go with it (CASCADE).
        old.delete()
        deleted = True
    registration = participation.registration
    if complete_review and registration.review == Registration.Review.PENDING:
        registration_review_complete(registration=registration, actor=actor)
    audit_log(
        actor=actor,
        action="participation.reassign",
        obj=participation,
        data={
            **old_label,
            "new_person_id": target.pk,
            "old_account_deleted": deleted,
            "company_change": change is not None,
        },
    )
    return participation, deleted


@transaction.atomic
def participation_promote(*, participation: Participation, actor: Any) -> Participation:
    """Move a participant up from the waiting list when a seat is free."""
    event = Event.objects.select_for_update().get(pk=participation.event_id)
    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("registration", "person")
        .get(pk=participation.pk)
    )
    if participation.status != Participation.Status.WAITLISTED:
        raise ValidationError(_("Diese Teilnahme steht nicht auf der Warteliste."))
    if event_taken_seats(event) >= event.capacity:
        raise ValidationError(_("Für %(number)s ist kein Platz frei.") % {"number": event.number})
    participation.status = Participation.Status.REGISTERED
    participation.save(update_fields=["status", "updated_at"])
    registration = participation.registration
    mail_enqueue(
        template="waitlist_promoted",
        to=[registration.correspondence_email, participation.email],
        context={
            "registration_id": registration.pk,
            "name": participation.person.get_full_name(),
            "event": event_mail_context(event),
        },
        dedupe_key=f"waitlist_promoted:{participation.pk}",
    )
    audit_log(
        actor=actor,
        action="participation.promote",
        obj=participation,
        data={"event": event.number},
    )
    return participation


@transaction.atomic
def participation_cancel(*, participation: Participation, actor: Any) -> Participation:
    """Cancel a participation; its seat becomes free for the waiting list."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status == Participation.Status.CANCELLED:
        return participation
    if participation.status == Participation.Status.ATTENDED:
        raise ValidationError(_("Eine besuchte Veranstaltung kann nicht storniert werden."))
    previous = participation.status
    participation.status = Participation.Status.CANCELLED
    participation.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action="participation.cancel",
        obj=participation,
        data={"previous_status": previous},
    )
    return participation
