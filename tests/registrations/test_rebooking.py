"""Umbuchung: a participant moves to another run of the same course."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Participation
from kundenportal.registrations.rebooking import (
    course_prefix,
    events_same_course,
    participation_rebook,
)
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

TITLE = "Fachkunde Kanalreinigung und -inspektion"


def run(number, *, days_ahead, capacity=10, **kwargs):
    first = timezone.localdate() + dt.timedelta(days=days_ahead)
    return EventFactory(
        number=number,
        title=kwargs.pop("title", TITLE),
        first_day=first,
        last_day=first + dt.timedelta(days=1),
        capacity=capacity,
        **kwargs,
    )


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


@pytest.fixture
def booked():
    """Jürgen is booked for K-2609; his booker's address is the correspondence address."""
    source = run("K-2609", days_ahead=10)
    return ParticipationFactory(
        registration__event=source,
        registration__correspondence_email="buchung@stadtwerke.example",
        registration__company_name="Stadtwerke Görlitz",
        registration__city="Görlitz",
        person__first_name="Jürgen",
        person__last_name="Größe",
        email="j.groesse@stadtwerke.example",
        status="confirmed",
    )


def test_same_course_means_same_title_and_number_prefix(booked):
    later = run("K-2611", days_ahead=60)
    spaced = run("k-2612", days_ahead=90, title="  fachkunde  kanalreinigung und -INSPEKTION ")
    run("T-2611", days_ahead=60)  # same title, other course family
    run("K-2613", days_ahead=60, title="Fachkunde Kanalreinigung, Aufbaukurs")
    run("K-2501", days_ahead=-30)  # over
    run("K-2614", days_ahead=60, status=Event.Status.CANCELLED)
    run("K-2615", days_ahead=60, status=Event.Status.DRAFT)
    assert list(events_same_course(event=booked.event)) == [later, spaced]
    assert course_prefix("K-2609") == "K" and course_prefix("2609") == ""


def test_rebook_to_a_run_with_free_seats_keeps_the_account(staff, booked):
    target = run("K-2611", days_ahead=60)
    result = participation_rebook(participation=booked, target=target, actor=staff)
    booked.refresh_from_db()
    new = result.participation
    assert booked.status == Participation.Status.CANCELLED
    assert new.event == target and new.person_id == booked.person_id
    assert new.status == Participation.Status.REGISTERED and not result.waitlisted
    assert new.rebooked_from == booked and new.email == booked.email
    # Still booked under the company of the first booking.
    assert new.company == booked.company and new.company is not None
    # A registration of the target run with the booker's address.
    assert new.registration.event == target
    assert new.registration.correspondence_email == "buchung@stadtwerke.example"
    assert new.registration.company_name == "Stadtwerke Görlitz"
    assert new.registration.city == "Görlitz"
    assert booked.registration.event == booked.event  # the old one stays as it was
    mail = OutboxMail.objects.get(template="participation_rebooked")
    assert mail.to == ["buchung@stadtwerke.example", "j.groesse@stadtwerke.example"]
    message = mail_render(mail)
    assert "Umbuchung" in message.subject and "K-2611" in message.subject
    assert "Jürgen Größe" in message.body and "K-2609" in message.body
    assert "verbindlich angemeldet" in message.body and "Warteliste" not in message.body
    assert "Benutzername und Passwort gelten weiter" in message.body
    html = message.alternatives[0][0]
    assert "Jürgen Größe" in html and "K-2611" in html
    entry = AuditEntry.objects.get(action="participation.rebook")
    assert entry.actor == staff
    assert entry.data["from_event"] == "K-2609" and entry.data["to_event"] == "K-2611"


def test_rebook_to_a_full_run_puts_the_person_on_its_waiting_list(staff, booked):
    target = run("K-2611", days_ahead=60, capacity=2)
    ParticipationFactory.create_batch(2, registration__event=target, status="registered")
    ParticipationFactory(registration__event=booked.event, status="waitlisted")
    result = participation_rebook(participation=booked, target=target, actor=staff)
    assert result.waitlisted
    assert result.participation.status == Participation.Status.WAITLISTED
    assert result.waiting_at_source == 1
    assert (
        Participation.objects.filter(event=target, status__in=Participation.SEAT_STATUSES).count()
        == 2
    )
    message = mail_render(OutboxMail.objects.get(template="participation_rebooked"))
    assert "Warteliste" in message.subject
    assert "ausgebucht" in message.body and "steht dort auf der Warteliste" in message.body


def test_rebooking_is_refused_where_it_makes_no_sense(staff, booked):
    other_course = run("K-2611", days_ahead=60, title="Fachkunde Abwasser")
    with pytest.raises(ValidationError, match="kein anderer Termin"):
        participation_rebook(participation=booked, target=other_course, actor=staff)
    with pytest.raises(ValidationError, match="kein anderer Termin"):
        participation_rebook(participation=booked, target=booked.event, actor=staff)
    begun = run("K-2601", days_ahead=0)
    with pytest.raises(ValidationError, match="keine Anmeldung mehr"):
        participation_rebook(participation=booked, target=begun, actor=staff)
    target = run("K-2612", days_ahead=60)
    ParticipationFactory(registration__event=target, person=booked.person)
    with pytest.raises(ValidationError, match="bereits angemeldet"):
        participation_rebook(participation=booked, target=target, actor=staff)
    booked.status = Participation.Status.ATTENDED
    booked.save()
    with pytest.raises(ValidationError, match="Nur angemeldete"):
        participation_rebook(participation=booked, target=run("K-2613", days_ahead=60), actor=staff)
    assert not OutboxMail.objects.exists()
    booked.refresh_from_db()
    assert booked.status == Participation.Status.ATTENDED


# --- admin ---------------------------------------------------------------------------------

CHANGELIST = "admin:registrations_participation_changelist"


def test_admin_rebook_action_with_a_form(client, staff, booked):
    full = run("K-2611", days_ahead=60, capacity=1)
    ParticipationFactory(registration__event=full, status="registered")
    free = run("K-2612", days_ahead=90)
    client.force_login(staff)
    data = {"action": "rebook", ACTION_CHECKBOX_NAME: [booked.pk]}
    page = client.post(reverse(CHANGELIST), data)
    html = page.content.decode()
    assert page.status_code == 200 and "Neuer Termin" in html
    assert "K-2611" in html and "ausgebucht – Warteliste" in html
    assert "K-2612" in html and "10 Plätze frei" in html
    done = client.post(reverse(CHANGELIST), {**data, "post": "yes", "target": full.pk}, follow=True)
    assert "1 Teilnahme auf K-2611 umgebucht, davon 1 auf die Warteliste" in done.content.decode()
    moved = Participation.objects.get(event=full, person=booked.person)
    assert moved.status == Participation.Status.WAITLISTED
    change = client.get(reverse("admin:registrations_participation_change", args=[moved.pk]))
    assert "Umgebucht von" in change.content.decode()
    # A target that is not a run of the course is refused by the form.
    other = ParticipationFactory(registration__event=free, status="registered")
    foreign = run("X-2700", days_ahead=60)
    refused = client.post(
        reverse(CHANGELIST),
        {"action": "rebook", ACTION_CHECKBOX_NAME: [other.pk], "post": "yes", "target": foreign.pk},
    )
    assert "einen der angebotenen Termine" in refused.content.decode()
    assert Participation.objects.get(pk=other.pk).status == "registered"


def test_admin_rebook_needs_one_event_and_its_own_permission(client, staff, booked):
    run("K-2611", days_ahead=60)
    elsewhere = ParticipationFactory()
    client.force_login(staff)
    mixed = client.post(
        reverse(CHANGELIST),
        {"action": "rebook", ACTION_CHECKBOX_NAME: [booked.pk, elsewhere.pk]},
        follow=True,
    )
    assert "einer einzigen Veranstaltung" in mixed.content.decode()
    clerk = PersonFactory(username="sach.bearbeiter", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_participation", "change_participation"])
    )
    client.force_login(clerk)
    changelist = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="rebook"' not in changelist
    client.post(reverse(CHANGELIST), {"action": "rebook", ACTION_CHECKBOX_NAME: [booked.pk]})
    assert not OutboxMail.objects.exists()
    clerk.user_permissions.add(Permission.objects.get(codename="rebook_participation"))
    client.force_login(type(clerk).objects.get(pk=clerk.pk))
    assert 'value="rebook"' in client.get(reverse(CHANGELIST)).content.decode()
