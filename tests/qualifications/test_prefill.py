"""Booking a refresher from the reminder or from "Meine Dokumente": the normal 3-step form,
filled with the account's data, resolving to the same account."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.companies.models import AddressChange
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation
from kundenportal.registrations.prefill import SALT, prefill_token
from tests.factories import PersonFactory, QualificationFactory

from .helpers import course

pytestmark = pytest.mark.django_db


def url(event, step):
    return f"/veranstaltungen/{event.number}/anmelden/{step}/"


@pytest.fixture
def person():
    # As a booking leaves an account: its own copy of the address it was booked with.
    return PersonFactory(
        salutation="frau",
        first_name="Käthe",
        last_name="Größe",
        email="kaethe@example.org",
        street="Am Wasserwerk 1",
        postal_code="45127",
        city="Essen",
        phone="0201 12345",
    )


@pytest.fixture
def refresher():
    return course(
        QualificationFactory(),
        timezone.localdate() + dt.timedelta(days=40),
        status=Event.Status.PUBLISHED,
    )


def _values(html: str) -> dict[str, str]:
    """What a browser would send back: each input's name and value, selected options."""
    found = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        found[name] = selected.group(1) if selected else ""
    found.pop("csrfmiddlewaretoken", None)
    return found


def _book_as_shown(client, event, *, change=None):
    step1 = client.get(url(event, "teilnehmer")).content.decode()
    data = {**_values(step1), "action": "next"}
    response = client.post(url(event, "teilnehmer"), data)
    assert response.status_code == 302, response.content.decode()
    step2 = client.get(url(event, "adresse")).content.decode()
    data = {**_values(step2), **(change or {}), "action": "next"}
    data = {k: v for k, v in data.items() if k != "is_private" or v == "on"}
    response = client.post(url(event, "adresse"), data)
    assert response.status_code == 302, response.content.decode()
    finish = {"remarks": "", "accept_terms": "on", "accept_privacy": "on", "action": "submit"}
    response = client.post(url(event, "abschluss"), finish)
    assert response.status_code == 302 and response["Location"] == url(event, "danke")
    return step1, step2


def test_the_reminder_link_fills_the_form_and_books_the_same_account(client, person, refresher):
    link = reverse("registrations:start", args=[refresher.number])
    response = client.get(f"{link}?vorbelegung={prefill_token(person_id=person.pk)}")
    assert response["Location"] == url(refresher, "teilnehmer")  # the token leaves the URL
    step1, step2 = _book_as_shown(client, refresher)
    assert 'value="Käthe"' in step1 and 'value="Größe"' in step1
    assert 'value="kaethe@example.org"' in step1
    assert f'value="{person.company.name}"' in step2 and 'value="Am Wasserwerk 1"' in step2
    participation = Participation.objects.get(event=refresher)
    assert participation.person_id == person.pk
    assert Person.objects.count() == 1
    assert participation.registration.correspondence_email == "kaethe@example.org"
    assert not AddressChange.objects.exists()


def test_changed_address_data_still_go_to_staff_review(client, person, refresher):
    link = reverse("registrations:start", args=[refresher.number])
    client.get(f"{link}?vorbelegung={prefill_token(person_id=person.pk)}")
    _book_as_shown(client, refresher, change={"phone": "0201 99999"})
    assert Participation.objects.get(event=refresher).person_id == person.pk
    assert AddressChange.objects.filter(person=person).exists()


def test_meine_dokumente_links_fill_the_form_for_the_logged_in_person(client, person, refresher):
    link = reverse("registrations:start", args=[refresher.number]) + "?vorbelegung=konto"
    client.get(link)  # anonymous: nothing to fill in
    assert 'value="Käthe"' not in client.get(url(refresher, "teilnehmer")).content.decode()
    client.force_login(person)
    client.get(link)
    assert 'value="Käthe"' in client.get(url(refresher, "teilnehmer")).content.decode()


def test_what_was_typed_is_not_overwritten(client, person, refresher):
    client.post(
        url(refresher, "teilnehmer"),
        {
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-first_name": "Otto",
            "p-0-last_name": "Normal",
            "correspondence_email": "otto@example.org",
            "action": "next",
        },
    )
    link = reverse("registrations:start", args=[refresher.number])
    client.get(f"{link}?vorbelegung={prefill_token(person_id=person.pk)}")
    page = client.get(url(refresher, "teilnehmer")).content.decode()
    assert 'value="Otto"' in page and "Käthe" not in page


@pytest.mark.parametrize(
    "token",
    [
        "kaputt",
        signing.dumps(1, salt="another.salt"),
        signing.dumps("1", salt=SALT),
    ],
)
def test_bad_tokens_leave_the_form_empty(client, person, refresher, token):
    link = reverse("registrations:start", args=[refresher.number])
    assert client.get(f"{link}?vorbelegung={token}").status_code == 302
    assert "Käthe" not in client.get(url(refresher, "teilnehmer")).content.decode()


def test_an_old_link_or_a_staff_account_fills_nothing(client, person, refresher, settings):
    token = prefill_token(person_id=person.pk)
    link = reverse("registrations:start", args=[refresher.number])
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(
        days=settings.QUALIFICATION_PREFILL_LINK_DAYS + 1
    )
    with time_machine.travel(later):
        client.get(f"{link}?vorbelegung={token}")
        assert "Käthe" not in client.get(url(refresher, "teilnehmer")).content.decode()
    staff = PersonFactory(is_staff=True, first_name="Stefan")
    client.get(f"{link}?vorbelegung={prefill_token(person_id=staff.pk)}")
    assert "Stefan" not in client.get(url(refresher, "teilnehmer")).content.decode()
