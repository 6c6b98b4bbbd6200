import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.companies.models import AddressChange, Company
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import (
    AlreadyRegistered,
    RegistrationClosed,
    registration_submit,
)
from kundenportal.registrations.services.corrections import (
    participation_cancel,
    participation_promote,
    participation_reassign,
    registration_review_complete,
)
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.factories import CompanyFactory, EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

ADDRESS = AddressData(
    company_name="Stadtwerke Görlitz Wasser GmbH",
    street="Demianiplatz 23",
    postal_code="02826",
    city="Görlitz",
    phone="03581 33500",
)


def submit(event, names, *, address=ADDRESS, remarks="", token=None, email="hr@example.org"):
    return registration_submit(
        event=event,
        participants=[ParticipantData(first_name=f, last_name=last) for f, last in names],
        correspondence_email=email,
        address=address,
        remarks=remarks,
        consent=True,
        submission_token=token or uuid.uuid4(),
    )


def test_new_participants_get_accounts_company_receipt_and_audit():
    event = EventFactory()
    result = submit(event, [("Max", "Mustermann"), ("Jürgen", "Größe")])

    registration = result.registration
    assert result.created
    persons = Person.objects.order_by("username")
    assert [p.username for p in persons] == ["juergen.groesse", "max.mustermann"]
    company = Company.objects.get()
    assert company.name == "Stadtwerke Görlitz Wasser GmbH"
    assert {p.company_id for p in persons} == {company.pk}
    assert persons[0].street == "Demianiplatz 23"
    assert not persons[0].has_usable_password()
    assert registration.review == Registration.Review.NONE
    assert registration.participations.filter(status="registered").count() == 2
    mail = OutboxMail.objects.get()
    assert mail.template == "registration_receipt"
    assert mail.to == ["hr@example.org"]
    assert mail.dedupe_key == f"registration_receipt:{registration.pk}"
    assert AuditEntry.objects.filter(action="registration.submit", object_id=registration.pk)


def test_receipt_mail_is_german_and_carries_no_credentials():
    event = EventFactory(title="Fachkunde Kanal")
    result = submit(event, [("Max", "Mustermann")], remarks="Bitte vegetarisches Essen")
    message = mail_render(OutboxMail.objects.get())
    assert "Eingangsbestätigung" in message.subject
    assert "Fachkunde Kanal" in message.subject
    body = message.body + message.alternatives[0][0]
    assert "Max Mustermann" in body
    assert "Durchführungsbestätigung" in body
    assert "vegetarisches Essen" in body
    assert result.registration.participations.get().person.username not in body
    assert "Initialpasswort" not in body and "Passwort:" not in body


def test_same_name_same_company_reuses_account_and_records_address_change():
    company = CompanyFactory(name="Stadtwerke Görlitz Wasser GmbH")
    existing = PersonFactory(
        first_name="Max",
        last_name="Mustermann",
        username="max.mustermann",
        company=company,
        street="Alte Straße 1",
        postal_code="02826",
        city="Görlitz",
    )
    # Spelling variants of the company and the name still match.
    address = AddressData(
        company_name="STADTWERKE GOERLITZ  wasser gmbh",
        street="Demianiplatz 23",
        postal_code="02826",
        city="Görlitz",
    )
    result = submit(EventFactory(), [("max", "MUSTERMANN")], address=address)

    assert Person.objects.count() == 1
    assert result.registration.participations.get().person == existing
    change = AddressChange.objects.get()
    assert change.person == existing and change.company == company
    assert change.status == AddressChange.Status.PENDING
    assert change.street == "Demianiplatz 23"
    assert change.source_registration_id == result.registration.pk
    existing.refresh_from_db()
    assert existing.street == "Alte Straße 1"  # staff decide


def test_same_address_makes_no_address_change():
    company = CompanyFactory(name=ADDRESS.company_name)
    PersonFactory(
        first_name="Max",
        last_name="Mustermann",
        company=company,
        street=ADDRESS.street,
        postal_code=ADDRESS.postal_code,
        city=ADDRESS.city,
        phone=ADDRESS.phone,
    )
    submit(EventFactory(), [("Max", "Mustermann")])
    assert not AddressChange.objects.exists()


def test_same_name_at_other_company_gets_new_account_for_security():
    PersonFactory(first_name="Max", last_name="Mustermann", username="max.mustermann")
    submit(EventFactory(), [("Max", "Mustermann")])
    assert sorted(Person.objects.values_list("username", flat=True)) == [
        "max.mustermann",
        "max.mustermann1",
    ]


def test_private_address_matches_only_same_private_address():
    private = AddressData(is_private=True, street="Hauptstr. 5", postal_code="46485", city="Wesel")
    first = submit(EventFactory(), [("Erika", "Musterfrau")], address=private)
    second = submit(EventFactory(), [("Erika", "Musterfrau")], address=private)
    elsewhere = AddressData(is_private=True, street="Ring 1", postal_code="10115", city="Berlin")
    third = submit(EventFactory(), [("Erika", "Musterfrau")], address=elsewhere)

    person = first.registration.participations.get().person
    assert person.company is None
    assert second.registration.participations.get().person == person
    assert third.registration.participations.get().person != person
    assert not Company.objects.exists()


def test_remark_puts_registration_into_review():
    result = submit(
        EventFactory(),
        [("Max", "Mustermann")],
        remarks="Firmenwechsel, bisheriger Benutzername max.mustermann",
    )
    assert result.registration.review == Registration.Review.PENDING


def test_same_token_twice_gives_one_registration():
    event = EventFactory()
    token = uuid.uuid4()
    first = submit(event, [("Max", "Mustermann")], token=token)
    second = submit(event, [("Max", "Mustermann")], token=token)
    assert not second.created
    assert second.registration == first.registration
    assert Registration.objects.count() == 1
    assert Person.objects.count() == 1
    assert OutboxMail.objects.count() == 1


def test_person_already_registered_stores_nothing():
    event = EventFactory()
    submit(event, [("Max", "Mustermann")])
    counts = (Person.objects.count(), Registration.objects.count(), OutboxMail.objects.count())
    with pytest.raises(AlreadyRegistered, match="Max Mustermann"):
        submit(event, [("Erika", "Neu"), ("Max", "Mustermann")])
    assert counts == (
        Person.objects.count(),
        Registration.objects.count(),
        OutboxMail.objects.count(),
    )
    assert not Person.objects.filter(last_name="Neu").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Event.Status.CANCELLED},
        {"status": Event.Status.DRAFT},
        {"first_day": dt.date(2020, 1, 1), "last_day": dt.date(2020, 1, 2)},
    ],
)
def test_closed_event_takes_no_registration(changes):
    event = EventFactory(**changes)
    with pytest.raises(RegistrationClosed):
        submit(event, [("Max", "Mustermann")])
    assert not Person.objects.exists() and not Registration.objects.exists()


def test_event_that_begins_today_is_closed():
    event = EventFactory(first_day=timezone.localdate(), last_day=timezone.localdate())
    with pytest.raises(RegistrationClosed):
        submit(event, [("Max", "Mustermann")])


def test_seats_in_order_then_waiting_list():
    event = EventFactory(capacity=2)
    ParticipationFactory(event=event, registration__event=event)
    result = submit(event, [("A", "Eins"), ("B", "Zwei"), ("C", "Drei")])
    statuses = list(
        result.registration.participations.order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["registered", "waitlisted", "waitlisted"]
    message = mail_render(OutboxMail.objects.get())
    assert "C Drei (Warteliste)" in message.body
    assert message.body.count("benachrichtigen wir, sobald ein Platz frei wird") == 1
    assert "benachrichtigen wir, sobald ein Platz frei wird" in message.alternatives[0][0]


def test_promote_from_waiting_list_after_cancellation():
    event = EventFactory(capacity=1)
    staff = PersonFactory(is_staff=True)
    first = submit(event, [("A", "Eins")]).registration.participations.get()
    waiting = submit(event, [("B", "Zwei")]).registration.participations.get()
    assert waiting.status == Participation.Status.WAITLISTED
    with pytest.raises(ValidationError, match="kein Platz frei"):
        participation_promote(participation=waiting, actor=staff)

    participation_cancel(participation=first, actor=staff)
    participation_promote(participation=waiting, actor=staff)

    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.REGISTERED
    assert AuditEntry.objects.filter(action="participation.promote").count() == 1
    mail = OutboxMail.objects.get(template="waitlist_promoted")
    assert mail.to == ["hr@example.org"]
    message = mail_render(mail)
    assert "Platz frei: B Zwei" in message.subject
    assert "Durchführungsbestätigung" in message.body
    assert AuditEntry.objects.filter(action="participation.cancel").count() == 1


def test_cancelled_person_may_register_again():
    event = EventFactory()
    participation = submit(event, [("Max", "Mustermann")]).registration.participations.get()
    participation_cancel(participation=participation, actor=None)
    again = submit(event, [("Max", "Mustermann")])
    assert again.registration.participations.get().person == participation.person


def test_reassign_to_existing_account_deletes_the_fresh_one():
    staff = PersonFactory(is_staff=True, username="staff")
    old_account = PersonFactory(first_name="Max", last_name="Mustermann", username="max.mustermann")
    result = submit(
        EventFactory(),
        [("Max", "Mustermann")],
        remarks="Firmenwechsel, bisheriger Benutzername max.mustermann",
    )
    participation = result.registration.participations.get()
    fresh = participation.person
    assert fresh.username == "max.mustermann1"

    participation, deleted = participation_reassign(
        participation=participation,
        username="Max.Mustermann",
        actor=staff,
        company_change_confirmed=True,
    )

    assert deleted
    assert participation.person == old_account
    assert not Person.objects.filter(pk=fresh.pk).exists()
    registration = Registration.objects.get()
    assert registration.review == Registration.Review.DONE
    assert registration.reviewed_by == staff
    entry = AuditEntry.objects.get(action="participation.reassign")
    assert entry.actor == staff
    assert entry.data["old_account_deleted"] is True
    # The account moved to the booking's company (confirmed above): the next booking there
    # finds it.
    assert submit(EventFactory(), [("Max", "Mustermann")]).resolved[0].person == old_account
    # The deleted name is never issued again.
    elsewhere = AddressData(
        company_name="Klärwerk Süd GmbH", street="Ring 2", postal_code="10115", city="Berlin"
    )
    assert submit(EventFactory(), [("Max", "Mustermann")], address=elsewhere).resolved[
        0
    ].person.username == ("max.mustermann2")


def test_reassign_keeps_account_that_holds_more():
    staff = PersonFactory(is_staff=True, username="staff")
    target = PersonFactory(username="max.alt")
    participation = submit(
        EventFactory(), [("Max", "Mustermann")]
    ).registration.participations.get()
    fresh = participation.person
    ParticipationFactory(person=fresh)
    _, deleted = participation_reassign(
        participation=participation,
        username="max.alt",
        actor=staff,
        company_change_confirmed=True,
    )
    assert not deleted
    assert Person.objects.filter(pk=fresh.pk).exists()
    assert Participation.objects.get(pk=participation.pk).person == target


def test_reassign_refuses_unknown_username_and_double_booking():
    staff = PersonFactory(is_staff=True, username="staff")
    event = EventFactory()
    participation = submit(event, [("Max", "Mustermann")]).registration.participations.get()
    with pytest.raises(ValidationError, match="gibt es nicht"):
        participation_reassign(participation=participation, username="niemand", actor=staff)
    other = ParticipationFactory(event=event, registration__event=event)
    with pytest.raises(ValidationError, match="bereits angemeldet"):
        participation_reassign(
            participation=participation, username=other.person.username, actor=staff
        )


def test_review_complete_is_logged_once():
    staff = PersonFactory(is_staff=True, username="staff")
    registration = submit(EventFactory(), [("A", "B")], remarks="Hinweis").registration
    registration_review_complete(registration=registration, actor=staff)
    registration_review_complete(registration=registration, actor=staff)
    registration.refresh_from_db()
    assert registration.review == Registration.Review.DONE
    assert AuditEntry.objects.filter(action="registration.review_complete").count() == 1


def test_failure_at_the_last_step_leaves_nothing_half_stored(monkeypatch):
    import kundenportal.registrations.services.booking as services

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(services, "mail_enqueue", broken)
    with pytest.raises(RuntimeError):
        submit(EventFactory(), [("Max", "Mustermann"), ("Erika", "Musterfrau")])
    assert not Person.objects.exists()
    assert not Company.objects.exists()
    assert not Registration.objects.exists()
    assert not AuditEntry.objects.exists()
    # The username was not used up either: the series rolled back with the rest.
    monkeypatch.undo()
    result = submit(EventFactory(), [("Max", "Mustermann")])
    assert result.resolved[0].person.username == "max.mustermann"


def test_no_participant_and_no_consent_are_refused():
    from kundenportal.registrations.services.booking import RegistrationError

    with pytest.raises(RegistrationError, match="mindestens eine Person"):
        submit(EventFactory(), [])
    with pytest.raises(RegistrationError, match="AGB"):
        registration_submit(
            event=EventFactory(),
            participants=[ParticipantData(first_name="A", last_name="B")],
            correspondence_email="a@example.org",
            address=ADDRESS,
            consent=False,
            submission_token=uuid.uuid4(),
        )


def test_receipt_plain_text_and_subject_are_not_html_escaped():
    event = EventFactory(title="Abwasser & Kanal <Grundkurs>")
    submit(event, [("Seán", "O'Brien")])
    message = mail_render(OutboxMail.objects.get())
    assert "Abwasser & Kanal <Grundkurs>" in message.subject
    assert "Seán O'Brien" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "Abwasser &amp; Kanal &lt;Grundkurs&gt;" in html


def test_names_that_transliterate_too_long_are_refused_cleanly():
    with pytest.raises(ValidationError, match="zu lang"):
        submit(EventFactory(), [("中" * 150, "国" * 150)])
    assert not Person.objects.exists() and not Registration.objects.exists()
