"""The daily reminder job: once per lead time, to the right address, never after opt-out,
unsubscribe, a booked refresher or a deleted account."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete, mail_render
from kundenportal.privacy.erasure import account_delete
from kundenportal.qualifications.mail import REMINDER_MAIL, unsubscribe_url
from kundenportal.qualifications.models import QualificationReminder, ReminderOptOut
from kundenportal.qualifications.services import qualification_reminders_send
from kundenportal.registrations.models import Participation
from tests.factories import ParticipationFactory, PersonFactory, QualificationFactory

from .helpers import GRANTS, attended, course

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2027, 3, 1)


def _mails():
    return list(OutboxMail.objects.filter(template=REMINDER_MAIL).order_by("pk"))


def _at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC))


@pytest.fixture
def lapsing():
    """A person whose Fachkunde (24 months) ends 120 days after TODAY, and a refresher."""
    person = PersonFactory(email="anna@example.org")
    q = QualificationFactory(name="Fachkunde Abfallbeauftragte", legal_basis="§ 9 AbfBeauftrV")
    valid_until = TODAY + dt.timedelta(days=120)
    certificate = attended(
        person, q, D(valid_until.year - 2, valid_until.month, valid_until.day), GRANTS
    )
    with _at(TODAY):
        refresher = course(q, TODAY + dt.timedelta(days=60), status=Event.Status.PUBLISHED)
    return {
        "person": person,
        "q": q,
        "certificate": certificate,
        "refresher": refresher,
        "until": valid_until,
    }


def test_once_per_lead_time_by_travelling(lapsing):
    with _at(TODAY - dt.timedelta(days=1)):
        assert qualification_reminders_send().queued == 0  # 121 days: not yet
    with _at(TODAY):
        assert qualification_reminders_send().queued == 1
        assert qualification_reminders_send().queued == 0  # the same day again
    for day in range(1, 90):
        with _at(TODAY + dt.timedelta(days=day)):
            assert qualification_reminders_send().queued == 0, day
    with _at(TODAY + dt.timedelta(days=90)):  # 30 days left
        assert qualification_reminders_send().queued == 1
    with _at(TODAY + dt.timedelta(days=119)):
        assert qualification_reminders_send().queued == 0
    mails = _mails()
    assert [m.context["lead_days"] for m in mails] == [120, 30]
    assert all(m.to == ["anna@example.org"] for m in mails)
    assert QualificationReminder.objects.count() == 2
    # After the lapse: nothing, and the records' purpose has ended.
    with _at(lapsing["until"] + dt.timedelta(days=1)):
        assert qualification_reminders_send().queued == 0


def test_a_missed_run_sends_only_the_reminder_that_is_due(lapsing):
    with _at(TODAY + dt.timedelta(days=95)):  # the worker was down for 95 days: 25 days left
        assert qualification_reminders_send().queued == 1
    assert [m.context["lead_days"] for m in _mails()] == [30]


def test_the_mail_lists_the_refresher_dates_with_booking_links_and_unsubscribe_headers(lapsing):
    with _at(TODAY):
        qualification_reminders_send()
        (mail,) = _mails()
        message = mail_render(mail)
    assert "Fachkunde Abfallbeauftragte" in message.subject
    number = lapsing["refresher"].number
    booking = reverse("registrations:start", args=[number])
    assert f"{booking}?vorbelegung=" in message.body
    assert "in 120 Tagen ab" in message.body
    html = message.alternatives[0][0]
    assert f"{booking}?vorbelegung=" in html and "Jetzt anmelden" in html
    headers = message.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        headers["List-Unsubscribe"].startswith("<http")
        and "/abbestellen/" in headers["List-Unsubscribe"]
    )
    # The outbox holds ids and dates only: no name, no token.
    assert "Anna" not in str(mail.context) and "vorbelegung" not in str(mail.context)


def test_nothing_after_opting_out_in_meine_daten_and_again_after_opting_in(client, lapsing):
    url = reverse("portal:qualification_reminders")
    assert client.post(url, {"erinnerungen": "aus"})["Location"].startswith("/portal/anmelden/")
    assert client.get(url).status_code in (302, 405)
    assert not ReminderOptOut.objects.exists()
    client.force_login(lapsing["person"])
    client.post(reverse("portal:qualification_reminders"), {"erinnerungen": "aus"})
    assert ReminderOptOut.objects.filter(person=lapsing["person"]).exists()
    assert "Erinnerungen einschalten" in client.get(reverse("portal:data")).content.decode()
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0
    client.post(reverse("portal:qualification_reminders"), {"erinnerungen": "an"})
    with _at(TODAY + dt.timedelta(days=1)):
        assert qualification_reminders_send().queued == 1


def test_one_click_unsubscribe_without_login(client, lapsing):
    path = urlsplit(unsubscribe_url(person_id=lapsing["person"].pk)).path
    page = client.get(path)
    assert page.status_code == 200 and "Erinnerungen abbestellen" in page.content.decode()
    assert not ReminderOptOut.objects.exists()  # a GET changes nothing
    assert "Anna" not in page.content.decode() and "anna@" not in page.content.decode()
    # RFC 8058: the mail client's POST, no cookie, no CSRF token.
    response = client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ReminderOptOut.objects.filter(person=lapsing["person"]).exists()
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0
    # A forged or damaged token: the same kind of page for everybody, nothing changes.
    assert client.post(path[:-3] + "xx/").status_code == 404


def test_a_queued_reminder_is_dropped_after_unsubscribing(lapsing):
    with _at(TODAY):
        qualification_reminders_send()
    ReminderOptOut.objects.create(person=lapsing["person"])
    with pytest.raises(MailObsolete):
        mail_render(_mails()[0])


def test_nothing_once_a_refresher_is_booked(lapsing):
    ParticipationFactory(
        event=lapsing["refresher"],
        registration__event=lapsing["refresher"],
        person=lapsing["person"],
        status=Participation.Status.REGISTERED,
    )
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0


def test_a_refresher_booked_after_queueing_drops_the_mail(lapsing):
    with _at(TODAY):
        qualification_reminders_send()
        ParticipationFactory(
            event=lapsing["refresher"],
            registration__event=lapsing["refresher"],
            person=lapsing["person"],
            status=Participation.Status.CONFIRMED,
        )
        with pytest.raises(MailObsolete):
            mail_render(_mails()[0])


def test_a_waiting_list_place_or_a_cancelled_refresher_does_not_stop_reminders(lapsing):
    ParticipationFactory(
        event=lapsing["refresher"],
        registration__event=lapsing["refresher"],
        person=lapsing["person"],
        status=Participation.Status.WAITLISTED,
    )
    with _at(TODAY):
        assert qualification_reminders_send().queued == 1


def test_nothing_for_a_deleted_account_and_its_queued_reminder_goes(lapsing):
    with _at(TODAY):
        qualification_reminders_send()
        assert len(_mails()) == 1
        account_delete(person=lapsing["person"], actor=None)
        assert _mails() == []
        assert qualification_reminders_send().queued == 0
    assert not QualificationReminder.objects.exists()


def test_nothing_for_a_deactivated_account_or_a_revoked_certificate(lapsing):
    lapsing["person"].is_active = False
    lapsing["person"].save()
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0
    lapsing["person"].is_active = True
    lapsing["person"].save()
    lapsing["certificate"].revoked_at = timezone.now()
    lapsing["certificate"].save()
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0


def test_without_own_address_the_bound_booker_gets_it_with_prefill(lapsing):
    person = lapsing["person"]
    person.email = ""
    person.save()
    with _at(TODAY):
        qualification_reminders_send()
        (mail,) = _mails()
        assert mail.to == [lapsing["certificate"].participation.registration.correspondence_email]
        assert mail.context["prefill"] is True
        assert "vorbelegung=" in mail_render(mail).body


def test_an_unbound_booker_gets_the_reminder_without_the_prefilled_link():
    person = PersonFactory(email="")
    q = QualificationFactory()
    until = TODAY + dt.timedelta(days=30)
    # The account was created by an earlier booking; this course was booked from an address
    # the account does not know.
    attended(person, q, D(2020, 1, 10), GRANTS)
    attended(
        person,
        q,
        D(until.year - 2, until.month, until.day),
        registration__correspondence_email="fremd@example.org",
        bind_booker=False,
    )
    with _at(TODAY):
        course(q, TODAY + dt.timedelta(days=10), status=Event.Status.PUBLISHED)
        qualification_reminders_send()
        (mail,) = _mails()
        assert mail.to == ["fremd@example.org"]
        body = mail_render(mail).body
    assert mail.context["prefill"] is False
    assert "vorbelegung=" not in body and "/anmelden/" in body


@override_settings(QUALIFICATION_REMINDER_DAYS=[60])
def test_lead_times_are_a_setting(lapsing):
    with _at(TODAY):
        assert qualification_reminders_send().queued == 0
    with _at(TODAY + dt.timedelta(days=60)):
        assert qualification_reminders_send().queued == 1
    assert _mails()[0].context["lead_days"] == 60


def test_meine_daten_herunterladen_lists_the_reminders_and_the_choice(lapsing):
    from kundenportal.privacy.services import person_export_data

    with _at(TODAY):
        qualification_reminders_send()
    data = person_export_data(person=lapsing["person"])["fachkunde_erinnerungen"]
    assert data["Erinnerungen eingeschaltet"] is True
    sent = data["Versandte Erinnerungen"]
    assert [(r["Tage vor Ablauf"], r["Fachkunde gültig bis"]) for r in sent] == [
        (120, lapsing["until"].isoformat())
    ]
    ReminderOptOut.objects.create(person=lapsing["person"])
    export = person_export_data(person=lapsing["person"])["fachkunde_erinnerungen"]
    assert export["Erinnerungen eingeschaltet"] is False


def test_a_no_show_in_a_past_course_does_not_stop_reminders(lapsing):
    # Booked for a course that ended without attendance recorded: no refresher after all.
    past = course(lapsing["q"], TODAY - dt.timedelta(days=5))
    ParticipationFactory(
        event=past,
        registration__event=past,
        person=lapsing["person"],
        status=Participation.Status.CONFIRMED,
    )
    with _at(TODAY):
        assert qualification_reminders_send().queued == 1
