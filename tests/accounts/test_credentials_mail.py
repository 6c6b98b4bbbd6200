"""Credentials in the Durchführungsbestätigung: made at send time, never stored in plain."""

import logging

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import connection
from django.utils import timezone

from kundenportal.accounts.backends import INITIAL_PASSWORD_ATTR
from kundenportal.accounts.credentials import (
    credentials_for_mail,
    credentials_mail_sent,
    initial_password_check,
    person_set_own_password,
)
from kundenportal.confirmations.services import event_confirm
from kundenportal.notifications import delivery
from kundenportal.notifications.delivery import outbox_process, outbox_sweep
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Participation
from tests.confirmations.test_confirm import credentials_in
from tests.factories import EventFactory, ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _confirmed_participation(person=None, **kwargs) -> Participation:
    participation = ParticipationFactory(
        registration=RegistrationFactory(event=EventFactory()),
        **({"person": person} if person else {}),
        **kwargs,
    )
    event_confirm(event=participation.event, actor=None)
    return participation


@pytest.mark.argon2
def test_credentials_for_mail_are_deterministic_per_seed_and_count_once_sent():
    person = PersonFactory()
    to = [person.email]
    first = credentials_for_mail(
        person=person, seed=b"outbox:1:abc:initial_password", recipients=to
    )
    again = credentials_for_mail(
        person=person, seed=b"outbox:1:abc:initial_password", recipients=to
    )
    other = credentials_for_mail(
        person=person, seed=b"outbox:2:def:initial_password", recipients=to
    )
    assert first["initial_password"] == again["initial_password"] != other["initial_password"]
    person.refresh_from_db()
    assert person.initial_password == ""  # rendering alone changes nothing

    credentials_mail_sent(person=person, credentials=first)
    credentials_mail_sent(person=person, credentials=other)
    person.refresh_from_db()
    assert person.initial_password.startswith("argon2")
    assert other["initial_password"] not in person.initial_password
    assert initial_password_check(person=person, raw_password=other["initial_password"])
    assert not initial_password_check(person=person, raw_password=first["initial_password"])


def test_smtp_outage_keeps_the_previous_password_working(smtp_server):
    person = PersonFactory()
    _confirmed_participation(person)
    outbox_process()
    [first_mail] = smtp_server.received
    first = credentials_in(first_mail.text)[1]

    smtp_server.stop()
    _confirmed_participation(person)
    assert outbox_process().retried == 1
    # The new mail has not arrived: the password the person holds still works.
    assert authenticate(username=person.username, password=first) == person

    smtp_server.start()
    OutboxMail.objects.update(next_attempt_at=timezone.now())
    assert outbox_process().sent == 1
    second = credentials_in(smtp_server.received[-1].text)[1]
    assert second != first
    assert authenticate(username=person.username, password=first) is None
    assert authenticate(username=person.username, password=second) == person


def test_person_with_own_password_gets_the_hint_and_keeps_the_password(smtp_server):
    person = PersonFactory(password="Mein-eigenes-Passwort-2026")
    _confirmed_participation(person)
    outbox_process()
    [received] = smtp_server.received
    username, password = credentials_in(received.text)
    assert username == person.username and password is None
    assert "Es gilt das Passwort, das Sie selbst festgelegt haben." in received.text
    assert "http://127.0.0.1:8000/portal/passwort-vergessen/" in received.text
    assert "/portal/passwort-vergessen/" in received.html
    person.refresh_from_db()
    assert person.initial_password == ""
    user = authenticate(username=person.username, password="Mein-eigenes-Passwort-2026")
    assert user == person and not getattr(user, INITIAL_PASSWORD_ATTR, False)


def test_next_confirmation_brings_a_fresh_password_and_the_old_one_stops(smtp_server):
    person = PersonFactory()
    _confirmed_participation(person)
    outbox_process()
    _confirmed_participation(person)
    outbox_process()
    first, second = (credentials_in(r.text)[1] for r in smtp_server.received)
    assert first != second
    assert authenticate(username=person.username, password=first) is None
    assert authenticate(username=person.username, password=second) == person


@pytest.mark.parametrize("crash_point", ["before_sent_hook", "before_marked_sent"])
def test_crash_after_sending_resends_the_same_working_password(
    smtp_server, monkeypatch, crash_point
):
    person = PersonFactory()
    _confirmed_participation(person)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("worker killed right after the SMTP server accepted the mail")

    real_finish = delivery._finish

    def finish_or_crash(mail_id, lock, **values):
        if values.get("status") == OutboxMail.Status.SENT:
            killed()
        return real_finish(mail_id, lock, **values)

    if crash_point == "before_sent_hook":
        monkeypatch.setattr(delivery, "mail_after_send", killed)
    else:
        monkeypatch.setattr(delivery, "_finish", finish_or_crash)
    with pytest.raises(KeyboardInterrupt):
        outbox_process()
    monkeypatch.undo()
    row = OutboxMail.objects.get()
    assert row.status == OutboxMail.Status.SENDING
    [first_mail] = smtp_server.received
    first = credentials_in(first_mail.text)[1]

    # The sweeper finds the row in flight past the timeout and sends it again.
    OutboxMail.objects.filter(pk=row.pk).update(locked_at=row.locked_at.replace(year=2000))
    assert outbox_sweep() == 1
    assert outbox_process().sent == 1

    second = credentials_in(smtp_server.received[1].text)[1]
    assert first == second
    user = authenticate(username=person.username, password=first)
    assert user == person and getattr(user, INITIAL_PASSWORD_ATTR)


def _all_text_in_database() -> str:
    """Every cell of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.extend(
                    v.decode(errors="replace") if isinstance(v, bytes | memoryview) else str(v)
                    for v in row
                    if v is not None
                )
    return "\n".join(chunks)


def test_plain_password_is_nowhere_in_database_outbox_or_logs(smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    _confirmed_participation(PersonFactory(email="own@example.org"), email="own@example.org")
    with caplog.at_level(logging.DEBUG):
        assert outbox_process().sent == 1
    _username, password = credentials_in(smtp_server.received[0].text)
    assert password and len(password) == 19

    everything = _all_text_in_database()
    assert apps.get_model("accounts", "Person").objects.exists()
    assert "own@example.org" in everything  # the scan does see the data
    for form in (password, password.replace("-", "")):
        assert form not in everything
        assert form not in caplog.text
    row = OutboxMail.objects.get()
    assert password not in str(row.context) and password not in row.last_error
    # The sent row cannot even reproduce it (its seed was replaced on delivery).
    assert password not in mail_render(row).body


def test_mail_for_a_cancelled_participation_is_not_sent(smtp_server):
    participation = _confirmed_participation()
    participation.status = Participation.Status.CANCELLED
    participation.save()
    assert outbox_process().cancelled == 1
    assert smtp_server.received == []
    participation.person.refresh_from_db()
    assert participation.person.initial_password == ""


def test_rendering_the_confirmation_shows_event_and_place_online():
    event = EventFactory(format="online", place="", title="Online-Seminar Trinkwasser")
    ParticipationFactory(registration=RegistrationFactory(event=event))
    event_confirm(event=event, actor=None)
    message = mail_render(OutboxMail.objects.get())
    assert "Ort:             Online" in message.body
    assert "Online-Seminar Trinkwasser" in message.subject


def test_own_password_change_sends_a_notice(mailoutbox):
    person = PersonFactory(email="kaethe@example.org", salutation="frau", last_name="Müller")
    person_set_own_password(person=person, raw_password="Ein-neues-Passwort-2026")
    row = OutboxMail.objects.get(template="password_changed")
    assert row.to == ["kaethe@example.org"]
    assert "Ein-neues-Passwort-2026" not in str(row.context)
    message = mail_render(row)
    assert message.body.startswith("Guten Tag Frau Müller,")
    assert person.username in message.body


def test_mail_for_an_event_cancelled_after_confirmation_is_not_sent(smtp_server):
    participation = _confirmed_participation()
    participation.event.status = participation.event.Status.CANCELLED
    participation.event.save()
    assert outbox_process().cancelled == 1
    assert smtp_server.received == []
    assert "abgesagt" in OutboxMail.objects.get().last_error.lower()
