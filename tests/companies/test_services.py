import pytest
from django.core.exceptions import ValidationError

from kundenportal.audit.models import AuditEntry
from kundenportal.companies.models import AddressChange, Company
from kundenportal.companies.services import (
    address_change_approve,
    address_change_create,
    address_change_reject,
    address_differs,
    company_resolve,
)
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_company_resolve_matches_spelling_variants_and_creates_once():
    company, created = company_resolve(name="Müller  GmbH", address={"city": "Essen"})
    again, created_again = company_resolve(name="MUELLER-gmbh")
    assert created and not created_again
    assert again == company
    assert company.name == "Müller GmbH"
    assert Company.objects.count() == 1


def test_company_resolve_needs_a_name():
    with pytest.raises(ValidationError):
        company_resolve(name=" 😀 ")


def test_address_differs_ignores_case_spacing_and_blank_proposals():
    person = PersonFactory.build(street="Hauptstraße 1", postal_code="45127", city="Essen")
    assert address_differs(stored=person, proposed={"street": "HAUPTSTRASSE  1", "phone": ""}) == []
    assert address_differs(stored=person, proposed={"city": "Wesel"}) == ["city"]


def _change(person, company):
    return address_change_create(
        person=person,
        company=company,
        company_name=company.name,
        address={"street": "Neuer Weg 7", "postal_code": "46485", "city": "Wesel", "phone": ""},
    )


def test_approve_copies_address_to_person_and_company():
    staff = PersonFactory(is_staff=True, username="staff")
    company = CompanyFactory(phone="0201 1")
    person = PersonFactory(company=company, street="Alt 1", phone="0201 1")
    change = _change(person, company)

    address_change_approve(change=change, actor=staff)

    person.refresh_from_db()
    company.refresh_from_db()
    assert (person.street, person.postal_code, person.city) == ("Neuer Weg 7", "46485", "Wesel")
    assert person.phone == "0201 1"  # a blank proposal keeps the stored value
    assert company.street == "Neuer Weg 7"
    change.refresh_from_db()
    assert change.status == AddressChange.Status.APPROVED and change.decided_by == staff
    entry = AuditEntry.objects.get(action="address_change.approve")
    assert set(entry.data["person_fields"]) == {"street", "postal_code", "city"}
    with pytest.raises(ValidationError, match="bereits entschieden"):
        address_change_reject(change=change, actor=staff)


def test_reject_keeps_stored_address():
    staff = PersonFactory(is_staff=True, username="staff")
    company = CompanyFactory()
    person = PersonFactory(company=company, street="Alt 1")
    change = address_change_reject(change=_change(person, company), actor=staff)
    person.refresh_from_db()
    assert person.street == "Alt 1"
    assert change.status == AddressChange.Status.REJECTED
