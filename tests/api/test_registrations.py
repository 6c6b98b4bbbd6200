"""Bookings through the API: the form's rules, idempotency, full events, participations."""

import datetime as dt

import pytest
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.models import DeletionRequest
from kundenportal.registrations.models import Participation, Registration
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

from .conftest import booking_body
from .test_auth import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(number="K-200", capacity=3)


def test_a_booking_creates_accounts_by_the_faqs_rules_and_answers_usernames(api, event):
    response = api.post(
        "/events/K-200/registrations",
        booking_body(("Jürgen", "Größe"), ("Anna Maria", "von der Heide")),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["username"] for p in body["participations"]] == [
        "juergen.groesse",
        "anna-maria.von-der-heide",
    ]
    assert {p["status"] for p in body["participations"]} == {"registered"}
    assert body["review_required"] is False
    assert OutboxMail.objects.filter(template="registration_receipt").count() == 1
    entry = AuditEntry.objects.get(action="registration.submit")
    assert entry.actor_label == "Schnittstelle: ERP"


def test_the_same_person_again_reuses_the_account(api, event):
    api.post("/events/K-200/registrations", booking_body(("Max", "Mustermann")))
    EventFactory(number="K-201")
    body = api.post("/events/K-201/registrations", booking_body(("Max", "Mustermann"))).json()
    assert body["participations"][0]["username"] == "max.mustermann"
    assert Person.objects.filter(is_staff=False).count() == 1


def test_a_remark_needs_review(api, event):
    body = api.post(
        "/events/K-200/registrations",
        booking_body(("Max", "Mustermann"), remarks="Firmenwechsel, bisher max.mustermann"),
    ).json()
    assert body["review_required"] is True
    assert Registration.objects.get().review == Registration.Review.PENDING


def test_an_idempotency_key_books_once(api, event):
    headers = {"Idempotency-Key": "erp-4711"}
    first = api.post("/events/K-200/registrations", booking_body(("Max", "Muster")), headers)
    second = api.post("/events/K-200/registrations", booking_body(("Max", "Muster")), headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Registration.objects.count() == 1
    assert OutboxMail.objects.count() == 1
    other = api.post("/events/K-200/registrations", booking_body(("Eva", "Muster")), headers)
    assert_problem(other, 422)
    assert Registration.objects.count() == 1


def test_full_event_waitlists_or_refuses_whole(api, event):
    body = api.post(
        "/events/K-200/registrations",
        booking_body(("A", "Eins"), ("B", "Zwei"), ("C", "Drei"), ("D", "Vier")),
    ).json()
    assert [p["status"] for p in body["participations"]] == ["registered"] * 3 + ["waitlisted"]
    persons = Person.objects.count()
    response = api.post("/events/K-200/registrations", booking_body(("E", "Fünf"), waitlist=False))
    problem = assert_problem(response, 409)
    assert "nicht genug freie Plätze" in problem["detail"]
    # Nothing half-written: no account, no registration, no mail.
    assert Person.objects.count() == persons
    assert Registration.objects.count() == 1
    assert OutboxMail.objects.count() == 1


def test_form_rules_give_per_field_german_errors(api, event):
    body = booking_body(("123", "Muster"))
    body["address"]["postal_code"] = "4512"
    problem = assert_problem(api.post("/events/K-200/registrations", body), 422)
    pointers = {e["pointer"]: e["detail"] for e in problem["errors"]}
    assert pointers["#/participants/0/first_name"] == "Ein Name muss Buchstaben enthalten."
    assert pointers["#/address/postal_code"] == "Eine deutsche PLZ hat fünf Ziffern."
    assert Registration.objects.count() == 0
    no_consent = assert_problem(
        api.post("/events/K-200/registrations", booking_body(("Max", "M"), consent=False)), 422
    )
    assert "AGB" in no_consent["detail"]


def test_closed_event_and_double_booking_are_409(api, event):
    EventFactory(number="K-202", status=Event.Status.CANCELLED)
    assert_problem(api.post("/events/K-202/registrations", booking_body(("Max", "M"))), 409)
    api.post("/events/K-200/registrations", booking_body(("Max", "Muster")))
    again = assert_problem(
        api.post("/events/K-200/registrations", booking_body(("Max", "Muster"))), 409
    )
    assert "Bereits" in again["detail"]


def test_participations_list_cancel_rebook(api, event, django_assert_max_num_queries):
    api.post("/events/K-200/registrations", booking_body(("Max", "Muster"), ("Eva", "Muster")))
    with django_assert_max_num_queries(8):
        items = api.get("/events/K-200/participations").json()["items"]
    assert len(items) == 2
    cancelled = api.post(f"/participations/{items[0]['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    EventFactory(number="K-200-2", title=event.title, capacity=5)
    rebooked = api.post(
        f"/participations/{items[1]['id']}/rebook", {"target_event_number": "K-200-2"}
    )
    assert rebooked.status_code == 200, rebooked.content
    assert rebooked.json()["participation"]["event_number"] == "K-200-2"
    assert_problem(api.post("/participations/999999/cancel"), 404)


def test_attendance(api):
    today = timezone.localdate()
    event = EventFactory(
        number="K-203",
        first_day=today - dt.timedelta(days=1),
        last_day=today,
        status=Event.Status.CONFIRMED,
    )
    a, b = ParticipationFactory.create_batch(2, registration__event=event, status="confirmed")
    other = ParticipationFactory(status="confirmed")
    body = api.put("/events/K-203/attendance", {"attended": [a.pk]}).json()
    assert body == {"marked": 1, "unmarked": 0, "kept_with_certificate": []}
    assert Participation.objects.get(pk=a.pk).status == "attended"
    assert Participation.objects.get(pk=b.pk).status == "confirmed"
    assert_problem(api.put("/events/K-203/attendance", {"attended": [other.pk]}), 422)
    future = EventFactory(number="K-204")
    del future
    assert_problem(api.put("/events/K-204/attendance", {"attended": []}), 409)


def test_person_read_and_deletion_request(api):
    person = PersonFactory(username="max.mustermann", first_name="Max", last_name="Mustermann")
    body = api.get("/persons/MAX.MUSTERMANN").json()
    assert body["username"] == "max.mustermann"
    assert "password" not in str(body).lower()
    assert_problem(api.get("/persons/niemand"), 404)
    assert_problem(api.get(f"/persons/{PersonFactory(is_staff=True).username}"), 404)
    response = api.post("/persons/max.mustermann/deletion-request", {"reason": "Bitte löschen"})
    assert response.status_code == 201
    assert DeletionRequest.objects.filter(person=person, status="open").count() == 1
    assert AuditEntry.objects.filter(
        action="person.deletion_request_api", actor_label="Schnittstelle: ERP"
    ).exists()


def test_customer_import_is_all_or_nothing(api):
    row = {
        "vorname": "Max",
        "nachname": "Mustermann",
        "email": "max@example.org",
        "firma": "Wasserverband Essen",
        "strasse": "Kronprinzenstraße 24",
        "plz": "45128",
        "ort": "Essen",
    }
    bad = {**row, "vorname": "", "nachname": "X"}
    problem = assert_problem(api.post("/customers/import", {"rows": [row, bad]}), 422)
    assert problem["errors"]
    assert not Person.objects.filter(is_staff=False).exists()
    dry = api.post("/customers/import", {"rows": [row], "dry_run": True}).json()
    assert dry["dry_run"] is True
    assert not Person.objects.filter(is_staff=False).exists()
    done = api.post("/customers/import", {"rows": [row]}).json()
    assert done["rows"][0]["username"] == "max.mustermann"
    assert Person.objects.filter(username="max.mustermann").exists()


def test_a_booking_records_the_versions_of_terms_and_privacy_notice_it_accepted(api, event):
    from kundenportal.legal.models import LegalText
    from kundenportal.legal.services import legal_text_create

    terms = legal_text_create(
        kind="teilnahmebedingungen", title="AGB", body="Stand Dezember", publish=True, actor=None
    )
    response = api.post("/events/K-200/registrations", booking_body(("Jürgen", "Größe")))
    assert response.status_code == 201, response.content
    registration = Registration.objects.get()
    assert registration.terms_version == terms
    assert registration.privacy_version == LegalText.objects.filter(kind="datenschutz").latest("pk")
    assert registration.consent_at is not None
