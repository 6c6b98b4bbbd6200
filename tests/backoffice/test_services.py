"""Event-level staff actions: record attendance, cancel an event."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.backoffice.services import attendance_record, event_cancel
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True)


@pytest.fixture
def running_event():
    today = timezone.localdate()
    return EventFactory(
        number="K-2609",
        first_day=today - dt.timedelta(days=1),
        last_day=today + dt.timedelta(days=1),
        status=Event.Status.CONFIRMED,
    )


def _statuses(*participations):
    return [Participation.objects.get(pk=p.pk).status for p in participations]


def test_attendance_marks_and_unmarks_confirmed_participations(running_event, staff):
    a, b, c = ParticipationFactory.create_batch(
        3, registration=RegistrationFactory(event=running_event), status="confirmed"
    )
    waiting = ParticipationFactory(registration=a.registration, status="waitlisted")
    result = attendance_record(
        event=running_event, attended_ids=[a.pk, b.pk, waiting.pk], actor=staff
    )
    assert (result.marked, result.unmarked) == (2, 0)
    # Only confirmed participations can be marked; the waiting list is untouched.
    assert _statuses(a, b, c, waiting) == ["attended", "attended", "confirmed", "waitlisted"]

    result = attendance_record(event=running_event, attended_ids=[a.pk, c.pk], actor=staff)
    assert (result.marked, result.unmarked) == (1, 1)
    assert _statuses(a, b, c) == ["attended", "confirmed", "attended"]
    entries = AuditEntry.objects.filter(action="event.attendance_record", actor=staff)
    assert entries.count() == 2
    assert entries.first().data == {"attended": [c.pk], "not_attended": [b.pk]}

    # Saving the same again changes and logs nothing.
    attendance_record(event=running_event, attended_ids=[a.pk, c.pk], actor=staff)
    assert entries.count() == 2


def test_attendance_with_a_certificate_is_kept(running_event, staff):
    certified = CertificateFactory(
        participation__registration__event=running_event,
        participation__person__first_name="Sören",
        participation__person__last_name="Weiß",
    ).participation
    result = attendance_record(event=running_event, attended_ids=[], actor=staff)
    assert result.kept_with_certificate == ["Sören Weiß"]
    assert _statuses(certified) == ["attended"]


def test_attendance_only_once_the_event_has_begun(staff):
    event = EventFactory(status=Event.Status.CONFIRMED)
    p = ParticipationFactory(registration=RegistrationFactory(event=event), status="confirmed")
    with pytest.raises(ValidationError, match="ersten Veranstaltungstag"):
        attendance_record(event=event, attended_ids=[p.pk], actor=staff)
    assert _statuses(p) == ["confirmed"]


def test_attendance_ignores_other_events_ids(running_event, staff):
    other = ParticipationFactory(status="confirmed")
    attendance_record(event=running_event, attended_ids=[other.pk], actor=staff)
    assert _statuses(other) == ["confirmed"]


def test_cancel_an_event_mails_each_registration_once(staff):
    event = EventFactory(number="S-2702", title="Arbeitssicherheit auf Kläranlagen")
    booker = RegistrationFactory(event=event, correspondence_email="personal@eb-mg.example")
    one = ParticipationFactory(
        registration=booker, person=PersonFactory(first_name="Björn", last_name="Schäfer")
    )
    two = ParticipationFactory(
        registration=booker,
        person=PersonFactory(first_name="Özlem", last_name="Yıldız"),
        status="waitlisted",
    )
    private = RegistrationFactory(event=event, correspondence_email="kaethe@example.org")
    three = ParticipationFactory(registration=private, status="confirmed")
    earlier = ParticipationFactory(registration=private, status="cancelled")

    result = event_cancel(event=event, actor=staff)
    assert (result.newly_cancelled, result.participations, result.mails) == (True, 3, 2)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert _statuses(one, two, three, earlier) == ["cancelled"] * 4

    mail = OutboxMail.objects.get(template="event_cancelled", to=["personal@eb-mg.example"])
    message = mail_render(mail)
    assert message.subject.startswith("Absage: S-2702 Arbeitssicherheit auf Kläranlagen (")
    assert " am " not in message.subject  # "am 03.12.2026 bis 05.12.2026" is no German
    assert "Björn Schäfer" in message.body and "Özlem Yıldız (Warteliste)" in message.body
    assert f"Anmeldung Nr. {booker.pk}" in message.body
    assert "Björn Schäfer" in message.alternatives[0][0]
    assert AuditEntry.objects.filter(action="event.cancel", actor=staff).count() == 1

    # Idempotent: a second call cancels and mails nothing.
    again = event_cancel(event=event, actor=staff)
    assert (again.newly_cancelled, again.participations, again.mails) == (False, 0, 0)
    assert OutboxMail.objects.filter(template="event_cancelled").count() == 2
    assert AuditEntry.objects.filter(action="event.cancel").count() == 1


def test_a_cancelled_event_drops_its_unsent_confirmation_mails(staff):
    from kundenportal.confirmations.services import event_confirm
    from kundenportal.notifications.rendering import MailObsolete

    event = EventFactory()
    ParticipationFactory(registration=RegistrationFactory(event=event))
    event_confirm(event=event, actor=staff)
    confirmation = OutboxMail.objects.get(template="confirmation")
    event_cancel(event=event, actor=staff)
    with pytest.raises(MailObsolete):
        mail_render(confirmation)


def test_an_event_with_recorded_attendance_cannot_be_cancelled(running_event, staff):
    ParticipationFactory(registration=RegistrationFactory(event=running_event), status="attended")
    with pytest.raises(ValidationError, match="bereits Teilnahme erfasst"):
        event_cancel(event=running_event, actor=staff)
    running_event.refresh_from_db()
    assert running_event.status == Event.Status.CONFIRMED
    assert not OutboxMail.objects.exists()
