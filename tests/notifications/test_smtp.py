"""The outbox against a real SMTP server (aiosmtpd on a local port)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue

pytestmark = pytest.mark.django_db

Status = OutboxMail.Status


def _password_changed(to: str, first_name: str, last_name: str, **extra) -> OutboxMail:
    return mail_enqueue(
        template="password_changed",
        to=[to],
        context={
            "salutation": "Frau",
            "title": "",
            "first_name": first_name,
            "last_name": last_name,
            "username": "oezlem.yildiz",
            "changed_at": "29.11.2026 um 10:15 Uhr",
            **extra,
        },
    )


def test_delivery_with_non_ascii_names(smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Bildungszentrum Süd – Kundenportal <portal@bew.example>"
    settings.PROVIDER = {**settings.PROVIDER, "name": "BÉW Größe"}
    row = _password_changed("oezlem@example.org", "Özlem", "Yıldız-Straßburger")

    assert outbox_process().sent == 1

    [received] = smtp_server.received
    assert received.rcpt_tos == ["oezlem@example.org"]
    # (Python folds a long encoded header after "Subject:"; the value itself is exact.)
    assert received.message["Subject"].strip() == (
        "Ihr Passwort für das BÉW Größe-Kundenportal wurde geändert"
    )
    assert "Bildungszentrum Süd" in received.message["From"]
    assert received.message["X-Kundenportal-Mail"] == str(row.pk)
    assert "Guten Tag Frau Yıldız-Straßburger," in received.text
    assert "Yıldız-Straßburger" in received.html
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_outage_delays_mail_and_loses_none(smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 10
    smtp_server.stop()  # the mail server is down
    rows = [_password_changed(f"p{i}@example.org", "Jürgen", f"Größe{i}") for i in range(3)]

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        stats = outbox_process()
        assert stats.retried == 3 and stats.sent == 0
        for row in rows:
            row.refresh_from_db()
            assert (row.status, row.attempts) == (Status.QUEUED, 1)
            assert row.next_attempt_at == start + dt.timedelta(seconds=60)
            assert row.last_error

        traveller.shift(dt.timedelta(seconds=61))
        assert outbox_process().retried == 3  # still down: the back-off grows
        for row in rows:
            row.refresh_from_db()
            assert row.attempts == 2
            assert row.next_attempt_at == timezone.now() + dt.timedelta(seconds=120)

        smtp_server.start()  # back up
        traveller.shift(dt.timedelta(seconds=60))
        assert outbox_process().handled == 0  # not due yet
        traveller.shift(dt.timedelta(seconds=61))
        assert outbox_process().sent == 3
        assert outbox_process().handled == 0

    received_ids = sorted(int(r.message["X-Kundenportal-Mail"]) for r in smtp_server.received)
    assert received_ids == sorted(row.pk for row in rows)  # each exactly once
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.SENT, 3)


def test_rejected_recipients_are_recorded_and_the_others_go_on(smtp_server):
    smtp_server.handler.reject = {
        "unbekannt@example.org": "550 5.1.1 Mailbox unknown",
        "voll@example.org": "452 4.2.2 Mailbox full",
    }
    unknown = _password_changed("unbekannt@example.org", "A", "Eins")
    full = _password_changed("voll@example.org", "B", "Zwei")
    good = _password_changed("gut@example.org", "C", "Drei")
    partly = mail_enqueue(
        template="password_changed",
        to=["personal@example.org", "unbekannt@example.org"],
        context={**good.context, "last_name": "Vier"},
    )

    stats = outbox_process()

    assert (stats.sent, stats.retried, stats.failed) == (2, 1, 1)
    for row in (unknown, full, good, partly):
        row.refresh_from_db()
    # 5xx: will not change on retry → failed at once, error recorded for staff.
    assert unknown.status == Status.FAILED
    assert "unbekannt@example.org: 550" in unknown.last_error
    # 4xx: temporary → retried later.
    assert full.status == Status.QUEUED and "452" in full.last_error
    assert good.status == Status.SENT and good.last_error == ""
    # Reached one of two recipients: sent (never again to the first), the refusal recorded.
    assert partly.status == Status.SENT
    assert "unbekannt@example.org: 550" in partly.last_error
    assert sorted(tuple(r.rcpt_tos) for r in smtp_server.received) == [
        ("gut@example.org",),
        ("personal@example.org",),
    ]
