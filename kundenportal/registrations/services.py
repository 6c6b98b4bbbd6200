"""Registrations (Anmeldungen): submit, resolve every participant to an account, review.

FAQ: "mit Ihrer Anmeldung zu einer unserer Veranstaltungen erhalten Sie bzw. die angemeldete
Person automatisch ein Konto". Same normalised name at the same company and the same postal
code or street → the account is reused; otherwise a new one is created ("Ansonsten wird aus
Sicherheitsgründen ein neues Konto erstellt"). Reusing an account never makes the booking's
addresses a channel for its secrets (``accounts/addresses.py``).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_bind, addresses_all_bound
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange, Company
from kundenportal.companies.services import (
    address_change_create,
    address_differs,
    address_normalise,
    company_resolve,
)
from kundenportal.core.locks import advisory_lock, person_lock_key
from kundenportal.core.text import match_key
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.services import mail_enqueue

from .models import Participation, Registration
from .selectors import event_taken_seats, registration_is_open

MAX_PARTICIPANTS = 20


class RegistrationError(Exception):
    """A registration that cannot be taken; ``message`` is German and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


@dataclass(frozen=True)
class ParticipantData:
    first_name: str
    last_name: str
    salutation: str = ""
    title: str = ""
    email: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class AddressData:
    """Step 2 of the form: a company address, or a private one (no company)."""

    company_name: str = ""
    is_private: bool = False
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "Deutschland"
    phone: str = ""

    def fields(self) -> dict[str, str]:
        return address_normalise(
            {
                "street": self.street,
                "postal_code": self.postal_code,
                "city": self.city,
                "country": self.country,
                "phone": self.phone,
            }
        )


@dataclass
class ResolvedPerson:
    person: Person
    created: bool
    address_change: AddressChange | None = None
    # The booking's correspondence address may receive this account's secrets.
    bound: bool = False


@dataclass
class SubmitResult:
    registration: Registration
    created: bool
    resolved: list[ResolvedPerson] = field(default_factory=list)


def _company_for(address: AddressData, *, actor: Any) -> Company | None:
    if address.is_private:
        return None
    company, _created = company_resolve(
        name=address.company_name, address=address.fields(), actor=actor
    )
    return company


def person_candidates(*, name_key: str, company: Company | None) -> list[Person]:
    """Accounts that may be this participant: same normalised name, oldest first."""
    candidates = Person.objects.filter(name_key=name_key, is_active=True, is_staff=False)
    if company is not None:
        candidates = candidates.filter(company=company)
    else:
        candidates = candidates.filter(company__isnull=True)
    return list(candidates.order_by("id"))


def _same_place(candidate: Person, fields: dict[str, str]) -> bool:
    """Same postal code, or the same street (normalised), as the stored account."""
    same_postal = bool(fields["postal_code"]) and candidate.postal_code == fields["postal_code"]
    street = match_key(fields["street"])
    return same_postal or (bool(street) and match_key(candidate.street) == street)


def person_match(
    *, candidates: list[Person], company: Company | None, fields: dict[str, str]
) -> Person | None:
    """The SPEC's rule, given the accounts with the same normalised name (oldest first).

    Same company and the same postal code or street → that account. A private address (no
    company) matches only an account without company at the same postal code and street: a
    name alone is not enough ("Ansonsten wird aus Sicherheitsgründen ein neues Konto
    erstellt").
    """
    for candidate in candidates:
        if company is not None:
            if candidate.company_id == company.pk and _same_place(candidate, fields):
                return candidate
        elif (
            candidate.company_id is None
            and candidate.postal_code == fields["postal_code"]
            and match_key(candidate.street) == match_key(fields["street"])
        ):
            return candidate
    return None


def person_reuse(
    *,
    person: Person,
    participant: ParticipantData,
    company: Company | None,
    address: AddressData,
    email_trusted: bool,
    source_registration_id: int | None = None,
) -> AddressChange | None:
    """An existing account is used again: differing address data go to staff review.

    The participant's e-mail fills an empty account address only when ``email_trusted``
    (a staff import, or a booking from an address bound to the account): otherwise anyone
    could bind their own address to a stranger's account by booking it.
    """
    change = None
    fields = address.fields()
    if address_differs(stored=person, proposed=fields):
        change = address_change_create(
            person=person,
            company=company,
            company_name=address.company_name,
            address=fields,
            source_registration_id=source_registration_id,
        )
    if email_trusted and participant.email and not person.email:
        person.email = participant.email
        person.save(update_fields=["email"])
        audit_log(
            actor=None,
            action="person.email_from_registration",
            obj=person,
            data={"registration_id": source_registration_id},
        )
    return change


def person_resolve(
    *,
    participant: ParticipantData,
    company: Company | None,
    address: AddressData,
    correspondence_email: str,
    source_registration_id: int | None = None,
    actor: Any | None = None,
) -> ResolvedPerson:
    """The participant's account by the SPEC's rules; call inside a transaction.

    Same normalised first and last name at the same company and the same postal code or
    street → that account (with an ``AddressChange`` for staff if the address differs);
    otherwise a new account, even if the name exists at another company (the company-change
    case goes to staff review through the remark). A new account is bound to the booking's
    correspondence address (it may receive the credentials); a reused one is not.
    """
    key = match_key(f"{participant.first_name} {participant.last_name}")
    if len(key) > Person._meta.get_field("name_key").max_length:
        raise ValidationError(_("Der Name ist zu lang."))
    fields = address.fields()
    # Two registrations of the same new person at once must not create two accounts.
    advisory_lock(key=person_lock_key(name_key=key, company_id=company.pk if company else None))
    existing = person_match(
        candidates=person_candidates(name_key=key, company=company),
        company=company,
        fields=fields,
    )
    if existing is None:
        person = person_create(
            first_name=participant.first_name,
            last_name=participant.last_name,
            salutation=participant.salutation,
            title=participant.title,
            email=participant.email,
            company=company,
            address=fields,
            actor=actor,
        )
        address_bind(
            person=person,
            email=correspondence_email,
            source=BoundAddress.Source.REGISTERED,
            actor=actor,
            registration_id=source_registration_id,
        )
        return ResolvedPerson(person=person, created=True, bound=True)
    bound = addresses_all_bound(person=existing, addresses=[correspondence_email])
    change = person_reuse(
        person=existing,
        participant=participant,
        company=company,
        address=address,
        email_trusted=bound,
        source_registration_id=source_registration_id,
    )
    return ResolvedPerson(person=existing, created=False, address_change=change, bound=bound)


def _receipt_context(registration: Registration, participations: list[Participation]) -> dict:
    return {
        "registration_id": registration.pk,
        "event": event_mail_context(registration.event),
        # Names and seat status only: the receipt carries no credentials.
        "participants": [
            {
                "name": p.person.get_full_name(),
                "waitlisted": p.status == Participation.Status.WAITLISTED,
            }
            for p in participations
        ],
        "company_name": registration.company_name,
        "waitlisted_count": sum(
            p.status == Participation.Status.WAITLISTED for p in participations
        ),
        "review_pending": registration.review == Registration.Review.PENDING,
        "remarks": registration.remarks,
    }


def _duplicates_refuse(
    *,
    event: Event,
    participants: list[ParticipantData],
    company: Company | None,
    address: AddressData,
) -> None:
    """The same person (normalised name at the same company, or privately at the same postal
    code) already booked for this event, whatever account a booking put them on: refused.

    Catches a form sent again and again with another street, which the stricter account match
    would otherwise turn into new accounts and taken seats.
    """
    keys = {match_key(f"{p.first_name} {p.last_name}") for p in participants}
    active = Participation.objects.filter(event=event, person__name_key__in=keys).exclude(
        status=Participation.Status.CANCELLED
    )
    if company is not None:
        active = active.filter(person__company=company)
    else:
        active = active.filter(
            person__company__isnull=True,
            registration__postal_code=address.fields()["postal_code"],
        )
    names = sorted({p.person.get_full_name() for p in active.select_related("person")})
    if names:
        raise AlreadyRegistered(
            _(
                "Bereits für diese Veranstaltung angemeldet: %(names)s. Bitte entfernen Sie "
                "diese Person aus der Anmeldung. Handelt es sich um eine andere Person mit "
                "gleichem Namen, rufen Sie uns bitte an."
            )
            % {"names": ", ".join(names)}
        )


@transaction.atomic
def registration_submit(
    *,
    event: Event,
    participants: list[ParticipantData],
    correspondence_email: str,
    address: AddressData,
    remarks: str = "",
    consent: bool,
    submission_token: uuid.UUID,
    actor: Any | None = None,
) -> SubmitResult:
    """Take one registration: accounts, participations, receipt mail, audit — all or nothing.

    A second call with the same ``submission_token`` (reload, double click) returns the
    registration of the first. Seats are given in order under a lock on the event row;
    participants beyond the capacity go onto the waiting list.
    """
    existing = Registration.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return SubmitResult(registration=existing, created=False)
    if not participants:
        raise RegistrationError(_("Bitte geben Sie mindestens eine Person an."))
    if len(participants) > MAX_PARTICIPANTS:
        raise RegistrationError(
            _("Bitte melden Sie höchstens %(max)d Personen auf einmal an.")
            % {"max": MAX_PARTICIPANTS}
        )
    if not consent:
        raise RegistrationError(_("Bitte stimmen Sie den AGB und der Datenschutzerklärung zu."))

    # The event row lock orders all registrations of one event: seats are given in order.
    event = Event.objects.select_for_update().get(pk=event.pk)
    # Checked again under the lock: a concurrent double submit waits here for the first.
    existing = Registration.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return SubmitResult(registration=existing, created=False)
    if not registration_is_open(event):
        raise RegistrationClosed(
            _("Eine Anmeldung ist für diese Veranstaltung nicht mehr möglich.")
        )

    company = _company_for(address, actor=actor)
    remarks = (remarks or "").strip()
    registration = Registration(
        event=event,
        correspondence_email=correspondence_email.strip(),
        company_name="" if address.is_private else " ".join(address.company_name.split()),
        is_private_address=address.is_private,
        remarks=remarks,
        consent_at=timezone.now(),
        # FAQ: the company change is told "über das Bemerkungsfeld im Anmeldeschritt 3".
        review=Registration.Review.PENDING if remarks else Registration.Review.NONE,
        submission_token=submission_token,
        **address.fields(),
    )
    registration.full_clean(exclude=["event", "reviewed_by"])
    registration.save()

    _duplicates_refuse(event=event, participants=participants, company=company, address=address)
    resolved = [
        person_resolve(
            participant=p,
            company=company,
            address=address,
            correspondence_email=registration.correspondence_email,
            source_registration_id=registration.pk,
            actor=actor,
        )
        for p in participants
    ]
    persons = [r.person for r in resolved]
    if len({p.pk for p in persons}) != len(persons):
        raise AlreadyRegistered(_("Eine Person ist in dieser Anmeldung mehrfach angegeben."))
    already = list(
        Participation.objects.filter(event=event, person__in=persons)
        .exclude(status=Participation.Status.CANCELLED)
        .select_related("person")
    )
    if already:
        names = ", ".join(sorted(p.person.get_full_name() for p in already))
        raise AlreadyRegistered(
            _(
                "Bereits für diese Veranstaltung angemeldet: %(names)s. "
                "Bitte entfernen Sie diese Person aus der Anmeldung."
            )
            % {"names": names}
        )

    free = max(event.capacity - event_taken_seats(event), 0)
    participations = []
    for participant, person in zip(participants, persons, strict=True):
        status = Participation.Status.REGISTERED if free > 0 else Participation.Status.WAITLISTED
        free -= 1
        participations.append(
            Participation(
                registration=registration,
                event=event,
                person=person,
                status=status,
                email=participant.email,
            )
        )
    Participation.objects.bulk_create(participations)

    mail_enqueue(
        template="registration_receipt",
        to=[registration.correspondence_email],
        context=_receipt_context(registration, participations),
        dedupe_key=f"registration_receipt:{registration.pk}",
    )
    audit_log(
        actor=actor,
        action="registration.submit",
        obj=registration,
        data={
            "event": event.number,
            "participants": len(participations),
            "accounts_created": sum(r.created for r in resolved),
            "accounts_reused": sum(not r.created for r in resolved),
            # Reused from an address not bound to the account: its mails carry no password.
            "accounts_reused_unbound": sum(not r.bound for r in resolved),
            "address_changes": sum(r.address_change is not None for r in resolved),
            "waitlisted": sum(p.status == Participation.Status.WAITLISTED for p in participations),
            "review": registration.review,
        },
    )
    return SubmitResult(registration=registration, created=True, resolved=resolved)


# --- Staff side -----------------------------------------------------------------------------


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


@transaction.atomic
def participation_reassign(
    *, participation: Participation, username: str, actor: Any, complete_review: bool = True
) -> tuple[Participation, bool]:
    """Attach a participation to an existing account (the company-change case).

    FAQ: "Behalte ich mein Konto, wenn ich die Firma gewechselt habe? Ja, wenn Sie uns dies
    bei Ihrer nächsten Anmeldung über das Bemerkungsfeld im Anmeldeschritt 3 mitteilen."
    The account created for it is deleted when it holds nothing else and never received
    credentials. Returns ``(participation, old_account_deleted)``.
    """
    participation = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("person", "registration", "event")
        .get(pk=participation.pk)
    )
    target = Person.objects.filter(username=(username or "").strip().lower()).first()
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

    participation.person = target
    participation.save(update_fields=["person", "updated_at"])
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
        data={**old_label, "new_person_id": target.pk, "old_account_deleted": deleted},
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
