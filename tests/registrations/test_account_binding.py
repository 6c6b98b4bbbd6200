"""Account takeover through a booking: a new, unknown address never receives an existing
account's secrets (initial password, reset link); the account's known addresses are told
when its password is set. Each attack is run as an attacker would, through the services."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from kundenportal.accounts.addresses import address_for_secrets, addresses_bound
from kundenportal.accounts.credentials import initial_password_check, initial_password_set
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.confirmations.services import confirmations_enqueue_pending, event_confirm
from kundenportal.events.models import Event
from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.portal.services import password_reset_request
from kundenportal.registrations.models import Participation
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.confirmations.test_confirm import credentials_in
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

HR = "personal@stadtwerke-goerlitz.example"
ATTACKER = "attacker@evil.example"
OLD_INITIAL = "k7Hm-9pQx-Ab3d-Zz2e"
NEW_PASSWORD = "Sandfang-Belüftung-42"
LINK = re.compile(r"http://[^\s\"<]+/portal/passwort-vergessen/[^/\s]+/[^/\s\"<]+/")
ADDRESS = AddressData(
    company_name="Stadtwerke Görlitz Wasser GmbH",
    street="Demianiplatz 23",
    postal_code="02826",
    city="Görlitz",
)


def book(email, *, address=ADDRESS, participant_email="", event=None, first="Sören", last="Weiß"):
    """A booking through the service; its receipt (no credentials) is dropped from the outbox."""
    result = registration_submit(
        event=event or EventFactory(),
        participants=[ParticipantData(first_name=first, last_name=last, email=participant_email)],
        correspondence_email=email,
        address=address,
        consent=True,
        submission_token=uuid.uuid4(),
    )
    OutboxMail.objects.filter(template="registration_receipt").delete()
    return result


@pytest.fixture
def soeren():
    """Sören Weiß, registered by his HR department; no own e-mail, an initial password sent."""
    person = book(HR).registration.participations.get().person
    assert person.username == "soeren.weiss" and person.email == ""
    initial_password_set(person=person, raw_password=OLD_INITIAL)
    return person


def test_the_booking_that_creates_an_account_binds_its_address(soeren):
    assert addresses_bound(person=soeren) == [HR]
    assert BoundAddress.objects.get(person=soeren).source == BoundAddress.Source.REGISTERED


def test_reset_link_never_goes_to_the_address_of_a_later_booking(soeren):
    """Attack (a): book the person with one's own address, then "Passwort vergessen"."""
    reused = book(ATTACKER).registration.participations.get().person
    assert reused == soeren  # the booking itself is taken; nothing is lost for the booker

    password_reset_request(identifier="soeren.weiss")
    password_reset_request(identifier=ATTACKER)
    [mail] = OutboxMail.objects.filter(template="password_reset")
    assert mail.to == [HR]
    assert all(ATTACKER not in to for to in OutboxMail.objects.values_list("to", flat=True))
    assert address_for_secrets(person=soeren) == HR


def test_booking_from_an_unknown_address_does_not_set_the_accounts_own_email(soeren):
    book(ATTACKER, participant_email=ATTACKER)
    soeren.refresh_from_db()
    assert soeren.email == ""
    assert addresses_bound(person=soeren) == [HR]
    password_reset_request(identifier="soeren.weiss")
    assert OutboxMail.objects.get(template="password_reset").to == [HR]


def test_confirmation_to_an_unknown_address_carries_no_initial_password(smtp_server, soeren):
    """Attack (b): book again with one's own address for a confirmed event."""
    event = EventFactory()
    event_confirm(event=event, actor=None)
    book(ATTACKER, event=event, participant_email="other@evil.example")
    event.refresh_from_db()
    assert event.status == Event.Status.CONFIRMED
    assert confirmations_enqueue_pending() == 1  # as the worker does after the booking

    assert outbox_process().sent == 1
    [message] = smtp_server.received
    assert sorted(message.rcpt_tos) == sorted([ATTACKER, "other@evil.example"])
    username, password = credentials_in(message.text)
    assert username == "soeren.weiss" and password is None
    assert "Passwort vergessen" in message.text and "Passwort vergessen" in message.html
    assert "nur an eine E-Mail-Adresse" in message.text
    # The password that reached the real person keeps working; no new one was issued.
    soeren.refresh_from_db()
    assert initial_password_check(person=soeren, raw_password=OLD_INITIAL)
    participation = Participation.objects.get(person=soeren, event=event)
    assert participation.confirmation_sent_at is not None


def test_the_hr_booker_who_registered_the_person_still_gets_the_credentials(smtp_server, soeren):
    """FAQ: the booker who registered the people receives the access data of each."""
    event = EventFactory()
    book(HR.upper(), event=event)
    event_confirm(event=event, actor=None)
    assert outbox_process().sent == 1
    [message] = smtp_server.received
    username, password = credentials_in(message.text)
    assert username == "soeren.weiss" and password
    user = authenticate(username=username, password=password)
    assert user is not None and user.pk == soeren.pk


def test_an_own_address_given_by_the_known_booker_is_trusted(smtp_server, soeren):
    event = EventFactory()
    book(HR, event=event, participant_email="soeren@privat.example")
    soeren.refresh_from_db()
    assert soeren.email == "soeren@privat.example"
    event_confirm(event=event, actor=None)
    outbox_process()
    [message] = smtp_server.received
    assert sorted(message.rcpt_tos) == sorted([HR, "soeren@privat.example"])
    assert credentials_in(message.text)[1]


def test_one_unknown_recipient_makes_the_mail_hint_only(smtp_server, soeren):
    """All recipients must be bound: the known booker plus an unknown "own" address."""
    Person.objects.filter(pk=soeren.pk).update(email="soeren@privat.example")
    event = EventFactory()
    book(HR, event=event, participant_email="neu@evil.example")
    event_confirm(event=event, actor=None)
    outbox_process()
    [message] = smtp_server.received
    assert "neu@evil.example" in message.rcpt_tos
    assert credentials_in(message.text)[1] is None


def test_password_set_is_told_to_every_known_address(soeren):
    password_reset_request(identifier="soeren.weiss")
    [link] = LINK.findall(mail_render(OutboxMail.objects.get()).body)
    client = Client()
    page = client.get(urlsplit(link).path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    soeren.refresh_from_db()
    assert soeren.has_own_password
    notice = OutboxMail.objects.get(template="password_changed")
    assert notice.to == [HR]
    assert "soeren.weiss" in mail_render(notice).body
    login = Client().post(
        reverse("portal:login"), {"username": "soeren.weiss", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


def test_same_name_and_company_elsewhere_is_a_new_account(soeren):
    """The match needs the postal code or the street as well."""
    elsewhere = AddressData(
        company_name=ADDRESS.company_name, street="Ring 1", postal_code="10115", city="Berlin"
    )
    other = book(ATTACKER, address=elsewhere).registration.participations.get().person
    assert other != soeren and other.username == "soeren.weiss1"
    # The new account's own booker is bound to it and may receive its credentials.
    assert addresses_bound(person=other) == [ATTACKER]
    same_street = AddressData(
        company_name=ADDRESS.company_name, street="Demianiplatz 23", postal_code="02827"
    )
    assert book(HR, address=same_street).registration.participations.get().person == soeren
    same_postal = AddressData(
        company_name=ADDRESS.company_name, street="Postfach 12", postal_code="02826"
    )
    assert book(HR, address=same_postal).registration.participations.get().person == soeren
    assert Person.objects.count() == 2


def test_migration_binds_the_addresses_existing_accounts_already_trust():
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from tests.factories import ParticipationFactory, PersonFactory, RegistrationFactory

    migration = importlib.import_module(
        "kundenportal.registrations.migrations.0005_bind_known_addresses"
    )
    person = PersonFactory(email="")
    first = RegistrationFactory(correspondence_email="Erster@Booker.example")
    ParticipationFactory(person=person, registration=first, bind_booker=False)
    credentials = RegistrationFactory(correspondence_email="zweiter@booker.example")
    ParticipationFactory(
        person=person,
        registration=credentials,
        email="eigen@privat.example",
        confirmation_sent_at=timezone.now(),
        bind_booker=False,
    )
    later = RegistrationFactory(correspondence_email=ATTACKER)
    ParticipationFactory(person=person, registration=later, bind_booker=False)
    assert addresses_bound(person=person) == []

    migration.bind(apps, None)
    assert sorted(addresses_bound(person=person)) == [
        "eigen@privat.example",
        "erster@booker.example",
        "zweiter@booker.example",
    ]


def test_the_attack_through_the_pages_sends_the_attacker_nothing_secret(client, soeren):
    """As probed: the booking form with the attacker's address, then "Passwort vergessen"."""
    from tests.registrations.test_anti_automation import _fill, _finish

    event = EventFactory()
    _fill(client, event, first_name="Sören", last_name="Weiß", email=ATTACKER, address=ADDRESS)
    assert _finish(client, event).status_code == 302
    assert Participation.objects.get(event=event).person == soeren
    client.post(reverse("portal:password_reset"), {"identifier": "soeren.weiss"})
    client.post(reverse("portal:password_reset"), {"identifier": ATTACKER})
    event_confirm(event=event, actor=None)
    secret_mails = OutboxMail.objects.exclude(template="registration_receipt")
    to_attacker = [m for m in secret_mails if ATTACKER in m.to]
    assert [m.template for m in to_attacker] == ["confirmation"]
    body = mail_render(to_attacker[0]).body
    assert not LINK.search(body) and credentials_in(body)[1] is None
    assert OutboxMail.objects.get(template="password_reset").to == [HR]
