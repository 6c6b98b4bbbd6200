"""The outbox worker's side: claim due mails, render, send, record the outcome.

Delivery state lives on each ``OutboxMail`` row:

    QUEUED --claim--> SENDING --sent--> SENT
       ^                 |  \\--error, attempts left--> QUEUED (next_attempt_at = back-off)
       |                 |   \\-error, permanent or attempts used up--> FAILED --staff--> QUEUED
       +--sweeper (stuck in SENDING longer than OUTBOX_SENDING_TIMEOUT_SECONDS)

Claiming is one short transaction: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` lets
two workers take disjoint rows without waiting for each other; on SQLite the IMMEDIATE
transaction (settings) serialises writers, which gives the same guarantee. ``attempts`` is
counted at claim time, so even a mail that kills its worker ends up FAILED, not in a loop.

A crash between "sent" and "marked sent" makes the sweeper send the mail again. Mails whose
content is made at send time (initial passwords) derive it from the row's seed
(``OutboxMail.secret_seed``), so the repeated mail carries the same password; its hash is
stored by the template's sent hook right after the SMTP server accepted the mail (and again,
same password, after a repeat), so an outage never ends the previous mail's password early.
"""

import logging
import secrets
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OutboxMail
from .rendering import MailObsolete, mail_after_send, mail_render

logger = logging.getLogger(__name__)

Status = OutboxMail.Status


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    sent_ids: list[int] = field(default_factory=list)

    def add(self, other: "DeliveryStats") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.cancelled += other.cancelled
        self.sent_ids += other.sent_ids

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.cancelled


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failed try: base, 2×base, 4×base, … capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def is_permanent(error: BaseException) -> bool:
    """A 5xx answer will not change on retry (unknown recipient, message refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for address, (code, msg) in error.recipients.items()
        ]
        return _("Empfänger abgelehnt – %(details)s") % {"details": "; ".join(parts)}
    return f"{type(error).__name__}: {error}"[:2000]


def outbox_sweep() -> int:
    """Requeue mails stuck in SENDING (their worker died); returns how many."""
    now = timezone.now()
    limit = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS)
    stuck = OutboxMail.objects.filter(status=Status.SENDING, locked_at__lt=limit)
    # Reads first: this runs every few seconds, and on SQLite any UPDATE takes the write lock.
    if not stuck.exists():
        return 0
    error = "Versand unterbrochen (Worker beendet?); erneut eingeplant."
    failed = stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Status.FAILED, locked_at=None, last_error=error
    )
    requeued = stuck.update(
        status=Status.QUEUED, locked_at=None, next_attempt_at=now, last_error=error
    )
    if failed or requeued:
        logger.warning("outbox sweep: %d requeued, %d failed", requeued, failed)
    return failed + requeued


def outbox_claim(*, limit: int) -> tuple[list[int], datetime]:
    """Mark up to ``limit`` due mails SENDING for this worker; returns (ids, lock stamp)."""
    now = timezone.now()
    if not OutboxMail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now).exists():
        return [], now
    with transaction.atomic():
        due = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        ids = list(due)
        if ids:
            OutboxMail.objects.filter(pk__in=ids, status=Status.QUEUED).update(
                status=Status.SENDING, locked_at=now, attempts=F("attempts") + 1
            )
    return ids, now


class _Sender:
    """One SMTP connection reused across a batch, reopened after an error."""

    def __init__(self):
        self.connection = None

    def send(self, message: EmailMultiAlternatives) -> dict:
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self.connection = connection
        message.connection = self.connection
        message.send()
        return dict(getattr(self.connection, "refused", None) or {})

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                logger.debug("closing the mail connection failed", exc_info=True)
            self.connection = None


def _finish(mail_id: int, lock: datetime, **values) -> bool:
    """Write the outcome, only if the row is still ours (the sweeper may have taken it)."""
    return bool(
        OutboxMail.objects.filter(pk=mail_id, status=Status.SENDING, locked_at=lock).update(
            **values
        )
    )


def outbox_deliver(
    *, ids: list[int], lock: datetime, stop: threading.Event | None = None
) -> DeliveryStats:
    stats = DeliveryStats()
    sender = _Sender()
    try:
        for index, mail_id in enumerate(ids):
            if stop is not None and stop.is_set():
                # Give the untried rest back at once instead of waiting for the sweeper.
                OutboxMail.objects.filter(
                    pk__in=ids[index:], status=Status.SENDING, locked_at=lock
                ).update(status=Status.QUEUED, locked_at=None, attempts=F("attempts") - 1)
                break
            # Renew the lease before each mail, so the sweeper's timeout only has to exceed
            # the time one mail takes, not a whole batch.
            renewed = timezone.now()
            if not _finish(mail_id, lock, locked_at=renewed):
                continue
            lock_now = renewed
            mail = OutboxMail.objects.get(pk=mail_id)
            try:
                message = mail_render(mail)
                refused = sender.send(message)
                # E.g. store the hash of the initial password the mail carries. A crash here
                # or a failing hook means: sent again later, with the same password.
                mail_after_send(mail, message)
            except MailObsolete as exc:
                _finish(
                    mail_id,
                    lock_now,
                    status=Status.CANCELLED,
                    locked_at=None,
                    last_error=f"Entfallen: {exc}",
                )
                stats.cancelled += 1
                logger.info("mail %s (%s) cancelled: %s", mail_id, mail.template, exc)
            except Exception as exc:
                sender.close()
                permanent = is_permanent(exc)
                give_up = permanent or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS
                if give_up:
                    _finish(
                        mail_id,
                        lock_now,
                        status=Status.FAILED,
                        locked_at=None,
                        last_error=_describe(exc),
                    )
                    stats.failed += 1
                else:
                    _finish(
                        mail_id,
                        lock_now,
                        status=Status.QUEUED,
                        locked_at=None,
                        last_error=_describe(exc),
                        next_attempt_at=timezone.now() + retry_delay(mail.attempts),
                    )
                    stats.retried += 1
                log = logger.error if give_up else logger.warning
                log(
                    "mail %s (%s) attempt %d failed%s: %s",
                    mail_id,
                    mail.template,
                    mail.attempts,
                    " permanently" if give_up else "",
                    type(exc).__name__,
                )
            else:
                note = ""
                if refused:
                    note = "Teilweise abgelehnt – " + "; ".join(
                        f"{address}: {code}" for address, (code, _msg) in refused.items()
                    )
                _finish(
                    mail_id,
                    lock_now,
                    status=Status.SENT,
                    locked_at=None,
                    sent_at=timezone.now(),
                    last_error=note,
                    # Once delivered, the row can no longer reproduce the mail's secrets.
                    nonce=secrets.token_hex(16),
                )
                stats.sent += 1
                stats.sent_ids.append(mail_id)
    finally:
        sender.close()
    return stats


def outbox_process(
    *, batch_size: int | None = None, stop: threading.Event | None = None
) -> DeliveryStats:
    """Send every mail that is due now, batch by batch; returns what happened."""
    total = DeliveryStats()
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    while not (stop is not None and stop.is_set()):
        ids, lock = outbox_claim(limit=batch_size)
        if not ids:
            break
        total.add(outbox_deliver(ids=ids, lock=lock, stop=stop))
    return total


def outbox_purge() -> int:
    """Delete sent and cancelled mails after OUTBOX_KEEP_DAYS: they hold addresses and names."""
    limit = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _per_model = OutboxMail.objects.filter(
        status__in=[Status.SENT, Status.CANCELLED], created_at__lt=limit
    ).delete()
    return deleted
