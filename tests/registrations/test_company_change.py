"""The company change from the FAQ: "Behalte ich mein Konto, wenn ich die Firma gewechselt habe?
Ja, wenn Sie uns dies bei Ihrer nächsten Anmeldung über das Bemerkungsfeld im Anmeldeschritt 3
mitteilen." Staff attach the booking to the old account and, having seen both, confirm that
the account moves to the new company."""

import uuid

import pytest
from django.contrib.auth import authenticate

from kundenportal.accounts.addresses import addresses_bound
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.audit.models import AuditEntry
from kundenportal.backoffice.selectors import event_participant_rows
from kundenportal.companies.models import AddressChange, Company
from kundenportal.confirmations.services import event_confirm
from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.corrections import (
    CompanyChangeUnconfirmed,
    participation_reassign,
)
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.confirmations.test_confirm import credentials_in
from tests.factories import CompanyFactory, EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

REMARK = "Firmenwechsel, bisheriger Benutzername max.mustermann"
NEW_HR = "weiterbildung@klaerwerk-nord.example"
NEW_ADDRESS = AddressData(
    company_name="Klärwerk Nord GmbH",
    street="Uferweg 7",
    postal_code="47051",
    city="Duisburg",
    phone="0203 12345",
)


@pytest.fixture
def staff():
    return PersonFactory(is_staff=True, username="verwaltung")


@pytest.fixture
def max_at_old_company():
    """Max Mustermann's account at his old employer, with a course he attended there."""
    old_company = CompanyFactory(name="Stadtwerke Essen", street="Rüttenscheider Str. 1")
    person = PersonFactory(
        username="max.mustermann",
        first_name="Max",
        last_name="Mustermann",
        email="m.mustermann@stadtwerke-essen.example",
        company=old_company,
        street="Rüttenscheider Str. 1",
        postal_code="45128",
        city="Essen",
        phone="0201 999",
    )
    ParticipationFactory(
        person=person,
        status=Participation.Status.ATTENDED,
        registration__company_name=old_company.name,
    )
    return person


def book(*, address=NEW_ADDRESS, remarks=REMARK, email="max@klaerwerk-nord.example", event=None):
    result = registration_submit(
        event=event or EventFactory(),
        participants=[ParticipantData(first_name="Max", last_name="Mustermann", email=email)],
        correspondence_email=NEW_HR,
        address=address,
        remarks=remarks,
        consent=True,
        submission_token=uuid.uuid4(),
    )
    return result.registration.participations.get()


def test_attaching_to_an_account_at_another_company_asks_for_confirmation_first(
    staff, max_at_old_company
):
    participation = book()
    fresh = participation.person
    assert fresh.username == "max.mustermann1"  # without staff, a new account (as before)

    with pytest.raises(CompanyChangeUnconfirmed) as refused:
        participation_reassign(participation=participation, username="max.mustermann", actor=staff)

    change = refused.value.change
    assert change.company == Company.objects.get(name="Klärwerk Nord GmbH")
    assert change.company_differs
    assert set(change.address_fields) == {"street", "postal_code", "city", "phone"}
    # Nothing happened yet.
    participation.refresh_from_db()
    assert participation.person == fresh
    max_at_old_company.refresh_from_db()
    assert max_at_old_company.company.name == "Stadtwerke Essen"
    assert not AddressChange.objects.filter(person=max_at_old_company).exists()
    assert Registration.objects.get(pk=participation.registration_id).review == "pending"


def test_confirmed_company_change_moves_the_account_and_keeps_the_past(staff, max_at_old_company):
    old_company = max_at_old_company.company
    past = max_at_old_company.participations.get()
    participation = book()
    fresh = participation.person

    participation, deleted = participation_reassign(
        participation=participation,
        username="max.mustermann",
        actor=staff,
        company_change_confirmed=True,
    )

    assert deleted and not Person.objects.filter(pk=fresh.pk).exists()
    person = Person.objects.select_related("company").get(username="max.mustermann")
    new_company = Company.objects.get(name="Klärwerk Nord GmbH")
    assert participation.person == person
    assert person.company == new_company
    assert (person.street, person.postal_code, person.city, person.phone) == (
        "Uferweg 7",
        "47051",
        "Duisburg",
        "0203 12345",
    )
    assert person.email == "max@klaerwerk-nord.example"
    # Past participations keep the company they were booked under, in every list.
    past.refresh_from_db()
    assert past.company == old_company
    assert participation.company == new_company
    [past_row] = event_participant_rows(event=past.event, statuses=[past.status])
    assert past_row["company__name"] == "Stadtwerke Essen"
    # The change is on record, decided by staff, and in the audit log.
    change = AddressChange.objects.get(person=person)
    assert change.status == AddressChange.Status.APPROVED
    assert change.decided_by == staff
    assert change.company == new_company
    assert change.source_registration_id == participation.registration_id
    entry = AuditEntry.objects.get(action="person.company_change")
    assert entry.actor == staff
    assert entry.data["old_company_id"] == old_company.pk
    assert entry.data["new_company_id"] == new_company.pk
    assert AuditEntry.objects.get(action="participation.reassign").data["company_change"] is True
    # The booking's addresses may now receive the account's access data.
    assert set(addresses_bound(person=person)) >= {NEW_HR, "max@klaerwerk-nord.example"}
    assert BoundAddress.objects.filter(
        person=person, email=NEW_HR, source=BoundAddress.Source.COMPANY_CHANGE
    ).exists()
    registration = Registration.objects.get(pk=participation.registration_id)
    assert registration.review == Registration.Review.DONE


def test_the_credentials_follow_with_the_confirmation_as_usual(
    staff, max_at_old_company, smtp_server
):
    event = EventFactory(number="K-2701")
    participation = book(event=event)
    participation_reassign(
        participation=participation,
        username="max.mustermann",
        actor=staff,
        company_change_confirmed=True,
    )

    # The booking's receipt went out long ago; this is about the confirmation.
    OutboxMail.objects.filter(template="registration_receipt").delete()
    event_confirm(event=event, actor=staff)
    assert outbox_process().sent == 1

    [message] = smtp_server.received
    assert set(message.rcpt_tos) == {NEW_HR, "max@klaerwerk-nord.example"}
    username, password = credentials_in(message.text)
    assert username == "max.mustermann"
    assert authenticate(username=username, password=password) is not None


def test_booking_at_the_same_company_and_address_needs_no_confirmation(staff):
    company = CompanyFactory(name="Klärwerk Nord GmbH", street="Uferweg 7", postal_code="47051")
    # Another spelling of the name: the booking made a new account.
    target = PersonFactory(
        username="maximilian.mustermann",
        first_name="Maximilian",
        last_name="Mustermann",
        company=company,
        street="Uferweg 7",
        postal_code="47051",
        city="Duisburg",
        phone="0203 12345",
        email="",
    )
    participation = book(email="")

    participation, _ = participation_reassign(
        participation=participation, username="maximilian.mustermann", actor=staff
    )

    assert participation.person == target
    assert not AddressChange.objects.exists()
    assert not AuditEntry.objects.filter(action="person.company_change").exists()


def test_a_private_booking_moves_the_account_to_its_private_address(staff, max_at_old_company):
    private = AddressData(is_private=True, street="Gartenweg 3", postal_code="45127", city="Essen")
    participation = book(address=private, email="")

    participation_reassign(
        participation=participation,
        username="max.mustermann",
        actor=staff,
        company_change_confirmed=True,
    )

    person = Person.objects.get(username="max.mustermann")
    assert person.company is None
    assert (person.street, person.postal_code) == ("Gartenweg 3", "45127")
    # The old work address stays the account's own e-mail: the booking gave no other.
    assert person.email == "m.mustermann@stadtwerke-essen.example"
    assert max_at_old_company.participations.get(status="attended").company.name == (
        "Stadtwerke Essen"
    )


def test_without_the_remark_the_booking_gets_a_new_account_as_before(max_at_old_company):
    participation = book(remarks="")

    assert participation.person.username == "max.mustermann1"
    assert participation.person.company.name == "Klärwerk Nord GmbH"
    assert participation.registration.review == Registration.Review.NONE
    max_at_old_company.refresh_from_db()
    assert max_at_old_company.company.name == "Stadtwerke Essen"
    assert not AddressChange.objects.filter(person=max_at_old_company).exists()
