import datetime as dt

import pytest
from django.test import Client

from kundenportal.accounts.models import Person
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation, Registration
from tests.factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def url(event, step):
    return f"/veranstaltungen/{event.number}/anmelden/{step}/"


def participants_data(rows, email="personal@example.org", action="next"):
    data = {
        "p-TOTAL_FORMS": str(len(rows)),
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "1",
        "p-MAX_NUM_FORMS": "20",
        "correspondence_email": email,
        "action": action,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"p-{i}-{key}"] = value
    return data


ADDRESS = {
    "company_name": "Wasserverband Süderdithmarschen",
    "street": "Schülper Straße 9",
    "postal_code": "25746",
    "city": "Heide",
    "country": "Deutschland",
    "phone": "0481 68930",
    "action": "next",
}
FINISH = {"remarks": "", "accept_terms": "on", "accept_privacy": "on", "action": "submit"}


def person(first, last, **extra):
    return {"salutation": "", "title": "", "first_name": first, "last_name": last, **extra}


def fill_steps(client, event, rows=None):
    rows = rows or [person("Max", "Mustermann")]
    response = client.post(url(event, "teilnehmer"), participants_data(rows))
    assert response.status_code == 302, response.content.decode()
    response = client.post(url(event, "adresse"), ADDRESS)
    assert response.status_code == 302, response.content.decode()


def test_whole_flow_creates_registration_and_thanks(client):
    event = EventFactory()
    page = client.get(f"/veranstaltungen/{event.number}/")
    assert url(event, "teilnehmer") in page.content.decode()

    fill_steps(
        client,
        event,
        [person("Max", "Mustermann", salutation="herr"), person("Anna Maria", "von der Heide")],
    )
    summary = client.get(url(event, "abschluss")).content.decode()
    assert "Herr Max Mustermann" in summary and "Anna Maria von der Heide" in summary
    assert "Keine Angabe" not in summary
    assert "Wasserverband Süderdithmarschen" in summary

    response = client.post(url(event, "abschluss"), FINISH)
    assert response.status_code == 302
    assert response["Location"] == url(event, "danke")
    page = client.get(url(event, "danke")).content.decode()
    assert "Vielen Dank für Ihre Anmeldung" in page
    assert "Durchführungsbestätigung" in page

    registration = Registration.objects.get()
    assert registration.correspondence_email == "personal@example.org"
    assert registration.consent_at is not None
    assert sorted(Person.objects.values_list("username", flat=True)) == [
        "anna-maria.von-der-heide",
        "max.mustermann",
    ]
    assert Person.objects.get(username="max.mustermann").salutation == "herr"


def test_add_and_remove_person_without_javascript_keeps_entries(client):
    event = EventFactory()
    data = participants_data([person("Max", "Mustermann")], action="add")
    response = client.post(url(event, "teilnehmer"), data)
    assert response.status_code == 302
    page = client.get(url(event, "teilnehmer")).content.decode()
    assert 'value="Max"' in page
    assert 'name="p-1-first_name"' in page
    assert 'value="personal@example.org"' in page

    data = participants_data(
        [person("Max", "Mustermann"), person("Erika", "Musterfrau")], action="remove-0"
    )
    client.post(url(event, "teilnehmer"), data)
    page = client.get(url(event, "teilnehmer")).content.decode()
    assert 'value="Erika"' in page and 'value="Max"' not in page
    assert 'name="p-1-first_name"' not in page


def test_back_and_forward_keep_every_entry(client):
    event = EventFactory()
    fill_steps(client, event, [person("Max", "Mustermann"), person("Erika", "Musterfrau")])
    response = client.post(url(event, "abschluss"), {"remarks": "Firmenwechsel", "action": "back"})
    assert response["Location"] == url(event, "adresse")
    page = client.get(url(event, "adresse")).content.decode()
    assert 'value="Schülper Straße 9"' in page
    response = client.post(url(event, "adresse"), {**ADDRESS, "city": "", "action": "back"})
    assert response["Location"] == url(event, "teilnehmer")
    page = client.get(url(event, "teilnehmer")).content.decode()
    assert 'value="Erika"' in page and 'value="Musterfrau"' in page
    # Step 1 again, then step 2 shows the half-typed city gap and the rest.
    client.post(
        url(event, "teilnehmer"),
        participants_data([person("Max", "Mustermann"), person("Erika", "Musterfrau")]),
    )
    page = client.get(url(event, "adresse")).content.decode()
    assert 'value="Schülper Straße 9"' in page
    client.post(url(event, "adresse"), ADDRESS)
    page = client.get(url(event, "abschluss")).content.decode()
    assert "Firmenwechsel" in page


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (person("", "Mustermann"), "Dieses Feld ist zwingend erforderlich."),
        (person("12345", "Mustermann"), "Ein Name muss Buchstaben enthalten."),
        (person("😀😀", "Mustermann"), "Ein Name muss Buchstaben enthalten."),
        (person("Max", "Muster😀mann"), "nicht erlaubt"),
        (person("M" * 300, "Mustermann"), "höchstens 150 Zeichen"),
        (person("中" * 150, "国" * 150), "Der Name ist zu lang."),
        (person("Max", "Mustermann", email="max@"), "gültige E-Mail-Adresse"),
    ],
)
def test_bad_participant_input_is_answered_beside_the_field(client, row, message):
    event = EventFactory()
    response = client.post(url(event, "teilnehmer"), participants_data([row]))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'class="field field-error"' in page
    # What was typed stays in the form.
    if row["last_name"]:
        assert f'value="{row["last_name"]}"' in page
    assert not Person.objects.exists()


def test_invalid_correspondence_email_and_no_participant(client):
    event = EventFactory()
    response = client.post(url(event, "teilnehmer"), participants_data([], email="kaputt"))
    page = response.content.decode()
    assert "Bitte geben Sie mindestens eine Person an." in page
    assert 'name="p-0-first_name"' in page  # an empty row to start again
    assert "gültige E-Mail-Adresse" in page


def test_same_person_twice_in_form(client):
    event = EventFactory()
    response = client.post(
        url(event, "teilnehmer"),
        participants_data([person("Max", "Mustermann"), person("max", "MUSTERMANN")]),
    )
    assert "mehrfach angegeben" in response.content.decode()


def test_address_needs_company_or_private_and_german_postcode(client):
    event = EventFactory()
    client.post(url(event, "teilnehmer"), participants_data([person("Max", "Mustermann")]))
    response = client.post(
        url(event, "adresse"), {**ADDRESS, "company_name": "", "postal_code": "123"}
    )
    page = response.content.decode()
    assert "Bitte geben Sie die Firma an" in page
    assert "fünf Ziffern" in page
    response = client.post(
        url(event, "adresse"), {**ADDRESS, "company_name": "", "is_private": "on"}
    )
    assert response.status_code == 302


def test_consent_is_required(client):
    event = EventFactory()
    fill_steps(client, event)
    response = client.post(url(event, "abschluss"), {"action": "submit"})
    page = response.content.decode()
    assert "Bitte stimmen Sie den AGB zu." in page
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in page
    assert not Registration.objects.exists()


def test_later_steps_need_the_earlier_ones(client):
    event = EventFactory()
    assert client.get(url(event, "adresse"))["Location"] == url(event, "teilnehmer")
    response = client.post(url(event, "abschluss"), FINISH)
    assert response["Location"] == url(event, "teilnehmer")
    assert not Registration.objects.exists()


def test_double_submit_gives_one_registration(client):
    event = EventFactory()
    fill_steps(client, event)
    first = client.post(url(event, "abschluss"), FINISH)
    second = client.post(url(event, "abschluss"), FINISH)
    assert first["Location"] == second["Location"] == url(event, "danke")
    assert Registration.objects.count() == 1
    assert OutboxMail.objects.count() == 1


def test_double_submit_with_stale_session_still_one_registration(client):
    # Two requests that both carry the filled-in session (the second left before the first
    # saved its session): the submission token makes the second return the first.
    event = EventFactory()
    fill_steps(client, event)
    session_key = client.cookies["sessionid"].value
    from django.contrib.sessions.backends.cached_db import SessionStore

    saved = dict(SessionStore(session_key=session_key).load())
    client.post(url(event, "abschluss"), FINISH)
    store = SessionStore(session_key=session_key)
    store.update(saved)
    store.save()
    response = client.post(url(event, "abschluss"), FINISH)
    assert response["Location"] == url(event, "danke")
    assert Registration.objects.count() == 1


def test_already_registered_person_gets_clear_message(client):
    event = EventFactory()
    fill_steps(client, event)
    client.post(url(event, "abschluss"), FINISH)
    fill_steps(client, event)
    response = client.post(url(event, "abschluss"), FINISH)
    assert response.status_code == 200
    assert "Bereits für diese Veranstaltung angemeldet: Max Mustermann" in response.content.decode()
    assert Registration.objects.count() == 1


def test_full_event_offers_waiting_list(client):
    event = EventFactory(capacity=1)
    ParticipationFactory(event=event, registration__event=event)
    detail = client.get(f"/veranstaltungen/{event.number}/").content.decode()
    assert "Auf die Warteliste" in detail
    page = client.get(url(event, "teilnehmer")).content.decode()
    assert "ausgebucht" in page and "Warteliste" in page
    fill_steps(client, event)
    assert "Warteliste" in client.get(url(event, "abschluss")).content.decode()
    client.post(url(event, "abschluss"), FINISH)
    assert Participation.objects.filter(status="waitlisted").count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Event.Status.CANCELLED},
        {"first_day": dt.date(2021, 3, 1), "last_day": dt.date(2021, 3, 2)},
    ],
)
def test_past_or_cancelled_event_says_registration_closed(client, changes):
    event = EventFactory(**changes)
    response = client.get(url(event, "teilnehmer"))
    assert response.status_code == 410
    assert "Anmeldung nicht mehr möglich" in response.content.decode()
    response = client.post(url(event, "teilnehmer"), participants_data([person("A", "B")]))
    assert response.status_code == 410


def test_unknown_or_draft_event_is_404(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(url(draft, "teilnehmer")).status_code == 404
    response = client.get("/veranstaltungen/GIBTSNICHT/anmelden/teilnehmer/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_missing_csrf_token_gets_german_403():
    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(event, "teilnehmer"), participants_data([person("A", "B")]))
    assert response.status_code == 403
    assert "Das Formular konnte nicht gesendet werden" in response.content.decode()
    assert not Person.objects.exists()


def test_thanks_without_registration_goes_back_to_event(client):
    event = EventFactory()
    response = client.get(url(event, "danke"))
    assert response["Location"] == f"/veranstaltungen/{event.number}/"


def test_looking_at_the_form_creates_no_session(client):
    event = EventFactory()
    assert client.get(url(event, "teilnehmer")).status_code == 200
    assert "sessionid" not in client.cookies


def test_unvalidated_entries_kept_in_session_are_bounded(client):
    event = EventFactory()
    data = participants_data([person("M" * 100_000, "Mustermann")], action="add")
    client.post(url(event, "teilnehmer"), data)
    state = client.session[f"kp_registration:{event.number}"]
    assert len(state["participants"][0]["first_name"]) == 500


def test_company_name_without_letters_is_refused(client):
    event = EventFactory()
    client.post(url(event, "teilnehmer"), participants_data([person("Max", "Mustermann")]))
    response = client.post(url(event, "adresse"), {**ADDRESS, "company_name": "😀 ---"})
    assert "Bitte geben Sie den Namen der Firma an." in response.content.decode()
