"""Companies and the staff review of address changes.

FAQ: "die mit Ihrem Personenkonto verbundenen Firmendaten verwaltet das BEW für Sie. Mit jeder
weiteren Anmeldung müssen Sie Ihre Adressdaten eingeben, die dann nach einer Prüfung im
Anmeldeprozess bei Änderungen automatisch im Kundenportal aktualisiert werden."
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.core.locks import advisory_lock, company_lock_key
from kundenportal.core.text import match_key

from .models import AddressChange, AddressFields, Company


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def address_normalise(address: dict[str, Any] | None) -> dict[str, str]:
    """Only the known address fields, whitespace collapsed."""
    address = address or {}
    return {field: _clean(address.get(field)) for field in AddressFields.ADDRESS_FIELDS}


def address_differs(*, stored: AddressFields, proposed: dict[str, str]) -> list[str]:
    """Names of the fields whose proposed value differs from the stored one.

    Empty proposals never count (an optional phone left blank is not a change); spelling
    differences in case and spacing do not count either.
    """
    changed = []
    for field, value in address_normalise(proposed).items():
        if value and match_key(value) != match_key(getattr(stored, field) or ""):
            changed.append(field)
    return changed


@transaction.atomic
def company_resolve(
    *, name: str, address: dict[str, Any] | None = None, actor: Any | None = None
) -> tuple[Company, bool]:
    """The company with this name (matched by its normalised name), created when new.

    Returns ``(company, created)``. Matching spelling variants ("Müller GmbH",
    "MUELLER gmbh") find the same company; with several, the oldest wins.
    """
    name = _clean(name)
    key = match_key(name)
    if not key:
        raise ValidationError({"name": _("Bitte geben Sie einen Firmennamen an.")})
    if len(key) > Company._meta.get_field("name_key").max_length:
        raise ValidationError({"name": _("Der Firmenname ist zu lang.")})
    # Two registrations naming the same new company at once must not create it twice.
    advisory_lock(key=company_lock_key(name_key=key))
    company = Company.objects.filter(name_key=key).order_by("id").first()
    if company is not None:
        return company, False
    company = Company(name=name, name_key=key, **address_normalise(address))
    if not company.country:
        company.country = "Deutschland"
    company.full_clean()
    company.save()
    audit_log(actor=actor, action="company.create", obj=company)
    return company, True


@transaction.atomic
def address_change_create(
    *,
    person: Any,
    company: Company | None,
    company_name: str,
    address: dict[str, Any],
    source_registration_id: int | None = None,
) -> AddressChange:
    """Record address data that differ from the stored ones, for staff review."""
    change = AddressChange.objects.create(
        person=person,
        company=company,
        company_name=_clean(company_name),
        source_registration_id=source_registration_id,
        **address_normalise(address),
    )
    audit_log(
        actor=None,
        action="address_change.create",
        obj=change,
        data={"person_id": person.pk, "registration_id": source_registration_id},
    )
    return change


def _lock_pending(change: AddressChange) -> AddressChange:
    change = AddressChange.objects.select_for_update().get(pk=change.pk)
    if change.status != AddressChange.Status.PENDING:
        raise ValidationError(_("Diese Adressänderung wurde bereits entschieden."))
    return change


@transaction.atomic
def address_change_approve(*, change: AddressChange, actor: Any) -> AddressChange:
    """Copy the proposed address to the person and, if any, to the company."""
    change = _lock_pending(change)
    proposed = {
        field: getattr(change, field)
        for field in AddressFields.ADDRESS_FIELDS
        if getattr(change, field)
    }
    person = change.person
    person_fields = [f for f, v in proposed.items() if getattr(person, f) != v]
    for field in person_fields:
        setattr(person, field, proposed[field])
    if person_fields:
        person.save(update_fields=person_fields)
    company_fields: list[str] = []
    if change.company is not None:
        company = change.company
        company_fields = [f for f, v in proposed.items() if getattr(company, f) != v]
        for field in company_fields:
            setattr(company, field, proposed[field])
        if company_fields:
            company.save(update_fields=[*company_fields, "updated_at"])
    change.status = AddressChange.Status.APPROVED
    change.decided_at = timezone.now()
    change.decided_by = actor
    change.save(update_fields=["status", "decided_at", "decided_by"])
    audit_log(
        actor=actor,
        action="address_change.approve",
        obj=change,
        data={
            "person_id": person.pk,
            "person_fields": person_fields,
            "company_id": change.company_id,
            "company_fields": company_fields,
        },
    )
    return change


@transaction.atomic
def address_change_reject(*, change: AddressChange, actor: Any) -> AddressChange:
    """Keep the stored address; the proposal is closed."""
    change = _lock_pending(change)
    change.status = AddressChange.Status.REJECTED
    change.decided_at = timezone.now()
    change.decided_by = actor
    change.save(update_fields=["status", "decided_at", "decided_by"])
    audit_log(
        actor=actor,
        action="address_change.reject",
        obj=change,
        data={"person_id": change.person_id},
    )
    return change
