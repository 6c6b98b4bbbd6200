import datetime as dt
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.notifications import delivery, rendering
from kundenportal.notifications.delivery import (
    outbox_claim,
    outbox_deliver,
    outbox_process,
    outbox_purge,
    outbox_sweep,
    retry_delay,
)
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete, mail_context_provider
from kundenportal.notifications.services import outbox_requeue
from tests.factories import PersonFactory
from tests.notifications.backends import FailingBackend

pytestmark = pytest.mark.django_db

Status = OutboxMail.Status


@pytest.fixture
def templates(mail_template):
    mail_template("hello", "Hallo {{ name }}\n", "Text für {{ name }}\n", "{{ name }}")


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    FailingBackend.error = ConnectionRefusedError(111, "Connection refused")
    yield FailingBackend
    FailingBackend.error = None


@pytest.fixture(autouse=True)
def _retry_settings(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 300


@pytest.fixture(autouse=True)
def _restore_providers():
    saved = dict(rendering._providers)
    yield
    rendering._providers.clear()
    rendering._providers.update(saved)


def _mail(**kwargs) -> OutboxMail:
    values = {"template": "hello", "to": ["kaethe@example.org"], "context": {"name": "Käthe"}}
    return OutboxMail.objects.create(**{**values, **kwargs})


def test_due_mail_is_sent_and_marked(templates):
    row = _mail()
    stats = outbox_process()
    assert stats.sent == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.locked_at is None
    assert [m.subject for m in mail.outbox] == ["Hallo Käthe"]
    assert mail.outbox[0].extra_headers["X-Kundenportal-Mail"] == str(row.pk)
    # Nothing is sent twice.
    assert outbox_process().handled == 0
    assert len(mail.outbox) == 1


def test_mail_not_yet_due_waits(templates):
    _mail(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))
    assert outbox_process().handled == 0
    assert mail.outbox == []


def test_back_off_grows_and_is_capped(settings):
    assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_failure_retries_with_back_off_then_fails(templates, failing):
    row = _mail()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert outbox_process().retried == 1
        row.refresh_from_db()
        assert row.status == Status.QUEUED
        assert row.attempts == 1
        assert row.next_attempt_at == start + dt.timedelta(seconds=60)
        assert "ConnectionRefusedError" in row.last_error

        # Not due before the back-off has passed.
        traveller.shift(dt.timedelta(seconds=59))
        assert outbox_process().handled == 0
        for expected_attempts, wait in ((2, 1), (3, 120), (4, 240)):
            traveller.shift(dt.timedelta(seconds=wait))
            outbox_process()
            row.refresh_from_db()
            assert row.attempts == expected_attempts
        assert row.status == Status.FAILED
        assert row.locked_at is None
    assert mail.outbox == []


def test_permanent_smtp_error_fails_at_once(templates, failing):
    failing.error = smtplib.SMTPRecipientsRefused(
        {"kaethe@example.org": (550, b"5.1.1 User unknown")}
    )
    row = _mail()
    assert outbox_process().failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error and "User unknown" in row.last_error


def test_transient_recipient_refusal_is_retried(templates, failing):
    failing.error = smtplib.SMTPRecipientsRefused({"kaethe@example.org": (451, b"try later")})
    row = _mail()
    assert outbox_process().retried == 1
    row.refresh_from_db()
    assert row.status == Status.QUEUED


def test_one_failing_mail_does_not_stop_the_others(templates):
    def explode(mail_row):
        raise RuntimeError("template data broken")

    mail_context_provider("hello")(lambda m: {} if m.context["name"] != "X" else explode(m))
    bad = _mail(context={"name": "X"})
    good = OutboxMail.objects.create(template="hello", to=["b@example.org"], context={"name": "B"})
    stats = outbox_process()
    assert stats.sent == 1 and stats.retried == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.QUEUED and "template data broken" in bad.last_error
    assert good.status == Status.SENT


def test_obsolete_mail_is_cancelled(templates):
    def obsolete(mail_row):
        raise MailObsolete("Die Teilnahme besteht nicht mehr.")

    mail_context_provider("hello")(obsolete)
    row = _mail()
    assert outbox_process().cancelled == 1
    row.refresh_from_db()
    assert row.status == Status.CANCELLED
    assert "Teilnahme" in row.last_error
    assert mail.outbox == []


def test_sweeper_requeues_rows_stuck_in_flight(templates):
    stuck = _mail()
    fresh = _mail()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        outbox_claim(limit=10)  # a worker claims both, then dies
        traveller.shift(dt.timedelta(seconds=200))
        OutboxMail.objects.filter(pk=fresh.pk).update(locked_at=timezone.now())
        traveller.shift(dt.timedelta(seconds=101))
        assert outbox_sweep() == 1
        stuck.refresh_from_db()
        fresh.refresh_from_db()
        assert stuck.status == Status.QUEUED and stuck.attempts == 1
        assert "unterbrochen" in stuck.last_error
        assert fresh.status == Status.SENDING
        assert outbox_process().sent == 1
    stuck.refresh_from_db()
    assert stuck.status == Status.SENT and stuck.attempts == 2


def test_sweeper_fails_a_mail_that_keeps_killing_its_worker(templates, settings):
    row = _mail(attempts=settings.OUTBOX_MAX_ATTEMPTS - 1)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        outbox_claim(limit=10)
        traveller.shift(dt.timedelta(seconds=301))
        outbox_sweep()
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_late_worker_does_not_overwrite_a_swept_row(templates):
    row = _mail()
    ids, lock = outbox_claim(limit=10)
    # The sweeper gave the row to another worker meanwhile: the first one leaves it alone.
    OutboxMail.objects.filter(pk=row.pk).update(locked_at=lock + dt.timedelta(seconds=1))
    stats = outbox_deliver(ids=ids, lock=lock)
    assert stats.handled == 0
    assert mail.outbox == []


def test_stop_gives_untried_rows_back(templates):
    rows = [_mail() for _ in range(3)]
    ids, lock = outbox_claim(limit=10)
    stop = threading.Event()
    stop.set()
    assert outbox_deliver(ids=ids, lock=lock, stop=stop).handled == 0
    for row in rows:
        row.refresh_from_db()
        assert row.status == Status.QUEUED and row.attempts == 0 and row.locked_at is None


def test_requeue_failed_mail_by_staff(templates):
    staff = PersonFactory(is_staff=True)
    failed = _mail(status=Status.FAILED, attempts=4, last_error="550 nope")
    sent = _mail(status=Status.SENT, attempts=1)
    assert outbox_requeue(mails=[failed, sent], actor=staff) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == Status.QUEUED and failed.attempts == 0
    assert sent.status == Status.SENT
    entry = AuditEntry.objects.get(action="outbox.requeue")
    assert entry.actor == staff and entry.data["requeued"] == 1
    assert outbox_process().sent == 1


def test_purge_deletes_old_sent_mails_only(templates, settings):
    settings.OUTBOX_KEEP_DAYS = 90
    with time_machine.travel(timezone.now() - dt.timedelta(days=91)):
        old_sent = _mail(status=Status.SENT)
        old_failed = _mail(status=Status.FAILED)
    recent = _mail(status=Status.SENT)
    assert outbox_purge() == 1
    assert not OutboxMail.objects.filter(pk=old_sent.pk).exists()
    assert OutboxMail.objects.filter(pk__in=[old_failed.pk, recent.pk]).count() == 2


def test_claim_counts_the_attempt_and_takes_due_rows_in_order(templates):
    later = _mail(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    earlier = _mail(next_attempt_at=timezone.now() - dt.timedelta(minutes=5))
    ids, _lock = outbox_claim(limit=1)
    assert ids == [earlier.pk]
    earlier.refresh_from_db()
    assert earlier.status == Status.SENDING and earlier.attempts == 1
    assert OutboxMail.objects.get(pk=later.pk).status == Status.QUEUED
    assert delivery.is_permanent(smtplib.SMTPDataError(554, b"spam")) is True
    assert delivery.is_permanent(smtplib.SMTPServerDisconnected("gone")) is False
