"""Anti-automation on the booking form: hourly limits per client address and per
correspondence address, a honeypot field, the same person twice for one event."""

import uuid

import pytest
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.registrations.models import Registration
from kundenportal.registrations.services.booking import AlreadyRegistered, registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "company_name": "Stadtwerke Görlitz",
    "street": "Demianiplatz 23",
    "postal_code": "02826",
    "city": "Görlitz",
    "country": "Deutschland",
}


def _fill(client, event, *, last_name, email, ip="198.51.100.20", first_name="Max", address=None):
    """Steps 1 and 2 of the booking form, as a browser sends them."""
    client.defaults["REMOTE_ADDR"] = ip
    client.post(
        reverse("registrations:participants", args=[event.number]),
        {
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-first_name": first_name,
            "p-0-last_name": last_name,
            "correspondence_email": email,
        },
    )
    if address is not None:
        address = {**ADDRESS, **{k: v for k, v in vars(address).items() if k in ADDRESS}}
    client.post(reverse("registrations:address", args=[event.number]), address or ADDRESS)


def _finish(client, event, **extra):
    return client.post(
        reverse("registrations:finish", args=[event.number]),
        {"accept_terms": "on", "accept_privacy": "on", "action": "submit", **extra},
    )


def test_one_client_address_is_limited_per_hour(client, settings):
    settings.REGISTRATION_LIMIT_PER_IP_HOUR = 3
    event = EventFactory()
    for i in range(3):
        _fill(client, event, last_name=f"Bot{chr(65 + i)}", email=f"b{i}@example.org")
        assert _finish(client, event).status_code == 302
    _fill(client, event, last_name="Botd", email="b9@example.org")
    response = _finish(client, event)
    assert response.status_code == 200
    page = response.content.decode()
    assert "schon viele Anmeldungen" in page and "Ihre Angaben bleiben erhalten" in page
    assert Registration.objects.count() == 3
    # Nothing typed is lost: the summary still shows the person and the address.
    assert "Botd" in page and "b9@example.org" in page and "Demianiplatz 23" in page
    # Another client address is not affected.
    _fill(client, event, last_name="Anders", email="hr@example.org", ip="192.0.2.1")
    assert _finish(client, event).status_code == 302


def test_one_correspondence_address_is_limited_per_hour(client, settings):
    settings.REGISTRATION_LIMIT_PER_EMAIL_HOUR = 2
    event = EventFactory()
    for i, ip in enumerate(("192.0.2.1", "192.0.2.2")):
        _fill(client, event, last_name=f"Opfer{chr(65 + i)}", email="third@party.example", ip=ip)
        assert _finish(client, event).status_code == 302
    _fill(client, event, last_name="Opferc", email="THIRD@party.example", ip="192.0.2.3")
    assert "schon viele Anmeldungen" in _finish(client, event).content.decode()
    assert Registration.objects.count() == 2


def test_refused_attempts_do_not_count(client, settings):
    settings.REGISTRATION_LIMIT_PER_IP_HOUR = 1
    event = EventFactory()
    _fill(client, event, last_name="Muster", email="hr@example.org")
    assert _finish(client, event, accept_terms="").status_code == 200  # no consent
    assert _finish(client, event).status_code == 302


def test_honeypot_filled_takes_nothing_and_says_so_in_german(client):
    event = EventFactory()
    _fill(client, event, last_name="Muster", email="hr@example.org")
    page = client.get(reverse("registrations:finish", args=[event.number])).content.decode()
    assert 'name="kp_rueckruf_nummer"' in page and 'aria-hidden="true"' in page
    response = _finish(client, event, kp_rueckruf_nummer="0201 1234")
    assert response.status_code == 200
    assert "bitte leer lassen" in response.content.decode()
    assert not Registration.objects.exists()
    assert _finish(client, event).status_code == 302  # a person who clears it is not lost


def _submit(event, *, street, postal_code="02826", first="Max", last="Muster"):
    return registration_submit(
        event=event,
        participants=[ParticipantData(first_name=first, last_name=last)],
        correspondence_email="hr@example.org",
        address=AddressData(
            company_name="Stadtwerke Görlitz", street=street, postal_code=postal_code, city="X"
        ),
        consent=True,
        submission_token=uuid.uuid4(),
    )


def test_same_person_for_the_same_event_is_refused_even_with_another_address():
    event = EventFactory()
    _submit(event, street="Demianiplatz 23")
    with pytest.raises(AlreadyRegistered) as exc:
        # Another street and postal code would make a new account: still the same person.
        _submit(event, street="Ring 1", postal_code="10115", first="MAX")
    assert "Bereits für diese Veranstaltung angemeldet: Max Muster" in exc.value.message
    assert Person.objects.count() == 1
    # Another event, or another person of the company, is fine.
    _submit(EventFactory(), street="Ring 1", postal_code="10115")
    _submit(event, street="Demianiplatz 23", first="Erika")
