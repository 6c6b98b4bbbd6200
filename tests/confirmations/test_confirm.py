import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from kundenportal.accounts.backends import INITIAL_PASSWORD_ATTR
from kundenportal.audit.models import AuditEntry
from kundenportal.confirmations.services import (
    confirmations_enqueue_pending,
    dedupe_key,
    event_confirm,
)
from kundenportal.events.models import Event
from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation, Registration
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD_RE = re.compile(r"Initialpasswort: (\S+)")
USERNAME_RE = re.compile(r"Benutzername:\s+(\S+)")


def credentials_in(text: str) -> tuple[str, str | None]:
    username = USERNAME_RE.search(text).group(1)
    password = PASSWORD_RE.search(text)
    return username, password.group(1) if password else None


@pytest.fixture
def staff():
    return PersonFactory(username="verwaltung", is_staff=True, password="Staff-Passwort-1")


def test_booker_of_three_receives_three_mails_with_working_credentials(smtp_server, staff):
    """The issue's "Done when": three mails, three usernames, three initial passwords."""
    event = EventFactory(number="K-2609", title="Fachkunde Kanalreinigung", place="Essen")
    registration = RegistrationFactory(event=event, correspondence_email="personal@firma.example")
    people = [
        PersonFactory(username=u, first_name=f, last_name=n)
        for u, f, n in [
            ("juergen.groesse", "Jürgen", "Größe"),
            ("oezlem.yildiz", "Özlem", "Yıldız"),
            ("max.mustermann27", "Max", "Mustermann"),
        ]
    ]
    for person in people:
        ParticipationFactory(registration=registration, person=person)

    result = event_confirm(event=event, actor=staff)
    assert result.mails == 3
    assert outbox_process().sent == 3

    received = smtp_server.received
    assert len(received) == 3
    assert all(r.rcpt_tos == ["personal@firma.example"] for r in received)
    credentials = {credentials_in(r.text) for r in received}
    assert {u for u, _ in credentials} == {p.username for p in people}
    assert len({p for _, p in credentials}) == 3
    for message in received:
        assert "K-2609 Fachkunde Kanalreinigung" in message.message["Subject"].replace("\n", "")
        assert "Essen" in message.text and "/portal/anmelden/" in message.text
        username, password = credentials_in(message.text)
        assert password in message.html and username in message.html
        user = authenticate(username=username, password=password)
        assert user is not None and user.username == username
        assert getattr(user, INITIAL_PASSWORD_ATTR) is True


def test_confirm_sets_status_and_mails_active_participations_only(staff):
    event = EventFactory()
    registration = RegistrationFactory(event=event, correspondence_email="booker@example.org")
    active = ParticipationFactory(registration=registration, email="own@example.org")
    already_confirmed = ParticipationFactory(
        registration=registration, status=Participation.Status.CONFIRMED
    )
    waitlisted = ParticipationFactory(
        registration=registration, status=Participation.Status.WAITLISTED
    )
    cancelled = ParticipationFactory(
        registration=registration, status=Participation.Status.CANCELLED
    )

    result = event_confirm(event=event, actor=staff)

    event.refresh_from_db()
    assert event.status == Event.Status.CONFIRMED and event.confirmed_at is not None
    assert result.newly_confirmed and result.mails == 2 and result.held_back == 0
    mail = OutboxMail.objects.get(dedupe_key=dedupe_key(active.pk))
    assert mail.template == "confirmation"
    assert mail.to == ["booker@example.org", "own@example.org"]
    assert mail.context["event"]["number"] == event.number
    assert OutboxMail.objects.filter(dedupe_key=dedupe_key(already_confirmed.pk)).exists()
    for p in (waitlisted, cancelled):
        assert not OutboxMail.objects.filter(dedupe_key=dedupe_key(p.pk)).exists()
        p.refresh_from_db()
        assert p.confirmation_sent_at is None
    for p in (active, already_confirmed):
        p.refresh_from_db()
        assert p.status == Participation.Status.CONFIRMED
        assert p.confirmation_sent_at is not None
    assert AuditEntry.objects.filter(action="event.confirm", actor=staff).count() == 1
    logged = AuditEntry.objects.get(action="event.confirmation_mails_enqueued")
    assert sorted(logged.data["participation_ids"]) == sorted([active.pk, already_confirmed.pk])


def test_confirming_twice_sends_nothing_twice(staff):
    event = EventFactory()
    ParticipationFactory.create_batch(2, registration=RegistrationFactory(event=event))
    assert event_confirm(event=event, actor=staff).mails == 2
    again = event_confirm(event=event, actor=staff)
    assert not again.newly_confirmed and again.mails == 0
    assert confirmations_enqueue_pending() == 0
    assert OutboxMail.objects.count() == 2


def test_participation_added_after_confirmation_gets_its_mail_at_once(staff):
    event = EventFactory()
    event_confirm(event=event, actor=staff)
    late = ParticipationFactory(registration=RegistrationFactory(event=event))
    assert confirmations_enqueue_pending() == 1
    assert OutboxMail.objects.filter(dedupe_key=dedupe_key(late.pk)).exists()
    assert confirmations_enqueue_pending() == 0


def test_registration_in_review_is_held_back_until_resolved(staff):
    event = EventFactory()
    in_review = RegistrationFactory(event=event, review=Registration.Review.PENDING)
    held = ParticipationFactory.create_batch(2, registration=in_review)
    ParticipationFactory(registration=RegistrationFactory(event=event))

    result = event_confirm(event=event, actor=staff)
    assert (result.mails, result.held_back) == (1, 2)
    assert confirmations_enqueue_pending() == 0

    in_review.review = Registration.Review.DONE
    in_review.save()
    assert confirmations_enqueue_pending() == 2
    for p in held:
        assert OutboxMail.objects.filter(dedupe_key=dedupe_key(p.pk)).exists()


def test_finished_and_unconfirmed_events_get_no_mails():
    past = EventFactory(
        status=Event.Status.CONFIRMED,
        first_day=timezone.localdate() - dt.timedelta(days=10),
        last_day=timezone.localdate() - dt.timedelta(days=9),
    )
    ParticipationFactory(registration=RegistrationFactory(event=past))
    ParticipationFactory(registration=RegistrationFactory(event=EventFactory()))
    assert confirmations_enqueue_pending() == 0


def test_cancelled_event_cannot_be_confirmed(staff):
    event = EventFactory(status=Event.Status.CANCELLED)
    with pytest.raises(ValidationError):
        event_confirm(event=event, actor=staff)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED


def test_confirm_queries_do_not_grow_with_participants(staff, django_assert_max_num_queries):
    event = EventFactory(capacity=200)
    for _ in range(10):
        ParticipationFactory.create_batch(10, registration=RegistrationFactory(event=event))
    with django_assert_max_num_queries(20):
        result = event_confirm(event=event, actor=staff)
    assert result.mails == 100
