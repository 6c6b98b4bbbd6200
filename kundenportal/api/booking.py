"""What the API adds around the existing services: input checked by the booking form's own
forms, idempotency keys, and the rule that a booking that does not fit is refused whole."""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.forms import Form
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.events.models import Event
from kundenportal.integrations.models import Integration, IntegrationActor
from kundenportal.integrations.services import idempotency_find, idempotency_record
from kundenportal.registrations.forms import AddressForm, ContactForm, ParticipantFormSet
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData

from .problems import Problem

_IDEMPOTENCY_NAMESPACE = uuid.UUID("6c2f6f8e-3b1f-4f55-9a55-2f1c1d7a9b10")


def _form_errors(form: Form, prefix: str) -> list[dict]:
    errors = []
    for field, messages in form.errors.items():
        for message in messages:
            pointer = prefix if field == "__all__" else f"{prefix}/{field}"
            errors.append({"pointer": pointer, "detail": str(message)})
    return errors


@dataclass(frozen=True)
class BookingInput:
    participants: list[ParticipantData]
    correspondence_email: str
    address: AddressData


def booking_clean(payload: dict) -> BookingInput:
    """The form's three steps, checked by the form's own classes: the same German messages,
    the same rules (names with letters, German postal codes, company or private address)."""
    rows = payload["participants"]
    formset = ParticipantFormSet(
        data={
            "form-TOTAL_FORMS": str(len(rows)),
            "form-INITIAL_FORMS": "0",
            **{
                f"form-{i}-{key}": value for i, row in enumerate(rows) for key, value in row.items()
            },
        }
    )
    contact = ContactForm(data={"correspondence_email": payload["correspondence_email"]})
    address = AddressForm(
        data={k: v for k, v in payload["address"].items() if not (k == "is_private" and not v)}
    )
    errors = []
    if not formset.is_valid():
        for i, form in enumerate(formset.forms):
            errors += _form_errors(form, f"#/participants/{i}")
        errors += [
            {"pointer": "#/participants", "detail": str(m)} for m in formset.non_form_errors()
        ]
    if not contact.is_valid():
        errors += _form_errors(contact, "#")
    if not address.is_valid():
        errors += _form_errors(address, "#/address")
    if errors:
        detail = errors[0]["detail"] if len(errors) == 1 else _("Die Anmeldung ist unvollständig.")
        raise Problem(422, detail, errors=errors)
    fields = ("salutation", "title", "first_name", "last_name", "email")
    return BookingInput(
        participants=[
            ParticipantData(**{k: f.cleaned_data.get(k, "") for k in fields}) for f in formset.forms
        ],
        correspondence_email=contact.cleaned_data["correspondence_email"],
        address=AddressData(
            **{
                k: address.cleaned_data[k]
                for k in (
                    "company_name",
                    "is_private",
                    "street",
                    "postal_code",
                    "city",
                    "country",
                    "phone",
                )
            }
        ),
    )


def booking_create(
    *,
    integration: Integration,
    event: Event,
    booking: BookingInput,
    remarks: str,
    consent: bool,
    waitlist: bool,
    idempotency_key: str,
    fingerprint: str,
) -> tuple[Registration, bool]:
    """One registration through ``registration_submit``; returns (registration, created).

    With an ``Idempotency-Key`` the submission token is derived from it, so a retry (even a
    concurrent one) finds the first registration instead of booking again; the key is stored
    in the same transaction. ``waitlist=False`` rolls back a booking that would put anyone
    on the waiting list.
    """
    if idempotency_key:
        earlier = idempotency_find(
            integration=integration,
            operation="registration",
            key=idempotency_key,
            fingerprint=fingerprint,
        )
        if earlier is not None:
            registration = Registration.objects.filter(pk=earlier.object_id).first()
            if registration is not None:
                return registration, False
        token = uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{integration.pk}:{idempotency_key}")
    else:
        token = uuid.uuid4()
    with transaction.atomic():
        result = registration_submit(
            event=event,
            participants=booking.participants,
            correspondence_email=booking.correspondence_email,
            address=booking.address,
            remarks=remarks,
            consent=consent,
            submission_token=token,
            actor=IntegrationActor(integration),
        )
        if result.created and not waitlist:
            waiting = Participation.objects.filter(
                registration=result.registration, status=Participation.Status.WAITLISTED
            ).count()
            if waiting:
                # Raising rolls the whole booking back: no account, no mail, no seat.
                raise Problem(
                    409,
                    ngettext(
                        "Die Veranstaltung %(number)s hat nicht genug freie Plätze für "
                        "%(count)d Person.",
                        "Die Veranstaltung %(number)s hat nicht genug freie Plätze für "
                        "%(count)d Personen.",
                        len(booking.participants),
                    )
                    % {"number": event.number, "count": len(booking.participants)},
                    kind="ausgebucht",
                )
        if idempotency_key:
            idempotency_record(
                integration=integration,
                operation="registration",
                key=idempotency_key,
                fingerprint=fingerprint,
                object_id=str(result.registration.pk),
            )
    return result.registration, result.created
