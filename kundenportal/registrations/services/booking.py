"""Booking: one registration from the public form, with its accounts, seats and receipt."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.companies.models import Company
from kundenportal.companies.services import company_resolve
from kundenportal.core.text import match_key
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.services import mail_enqueue

from ..consent import consent_texts
from ..models import Participation, Registration
from ..selectors import event_taken_seats, registration_is_open
from .resolution import AddressData, ParticipantData, ResolvedPerson, person_resolve

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
    consent_versions: dict[str, int] | None = None,
) -> SubmitResult:
    """Take one registration: accounts, participations, receipt mail, audit — all or nothing.

    ``consent`` says the booker accepted the terms and the privacy notice: the versions the
    booking page showed (``consent_versions``), or else those published now, are recorded.

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
    terms_version, privacy_version = consent_texts(consent_versions)
    registration = Registration(
        event=event,
        correspondence_email=correspondence_email.strip(),
        company_name="" if address.is_private else " ".join(address.company_name.split()),
        is_private_address=address.is_private,
        remarks=remarks,
        consent_at=timezone.now(),
        terms_version=terms_version,
        privacy_version=privacy_version,
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
                company=company,
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
