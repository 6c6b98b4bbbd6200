from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from kundenportal.audit.services import audit_log

from .models import OutboxMail


def _recipients(to: Iterable[str]) -> list[str]:
    recipients: list[str] = []
    for address in to:
        address = (address or "").strip()
        if address and address.lower() not in {r.lower() for r in recipients}:
            recipients.append(address)
    if not recipients:
        raise ValueError("A mail needs at least one recipient.")
    return recipients


def mail_enqueue(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail:
    """Put a mail into the outbox. Call it inside the transaction of the change that causes it.

    ``template`` names ``notifications/mail/<template>.{subject.txt,txt,html}``. ``context``
    must be JSON data without secrets. With ``dedupe_key`` a second call adds nothing.
    """
    recipients = _recipients(to)
    if dedupe_key is not None:
        mail, _created = OutboxMail.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"template": template, "to": recipients, "context": context or {}},
        )
        return mail
    return OutboxMail.objects.create(template=template, to=recipients, context=context or {})


@dataclass(frozen=True)
class MailSpec:
    """One mail for ``mail_enqueue_many``; the same fields as ``mail_enqueue`` takes."""

    template: str
    to: list[str]
    context: dict[str, Any]
    dedupe_key: str


def mail_enqueue_many(*, mails: list[MailSpec]) -> int:
    """Put many deduplicated mails into the outbox in a few queries (e.g. 500 confirmations).

    Same contract as ``mail_enqueue`` with a ``dedupe_key``: a key already in the outbox adds
    nothing, also when another process adds it at the same moment. Returns how many are new.
    """
    if not mails:
        return 0
    keys = [m.dedupe_key for m in mails]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(
            OutboxMail.objects.filter(dedupe_key__in=keys[start : start + 500]).values_list(
                "dedupe_key", flat=True
            )
        )
    rows = [
        OutboxMail(
            template=m.template, to=_recipients(m.to), context=m.context, dedupe_key=m.dedupe_key
        )
        for m in mails
        if m.dedupe_key not in existing
    ]
    # ignore_conflicts: a row another process committed meanwhile wins; ours is dropped.
    OutboxMail.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def outbox_requeue(*, mails: Iterable[OutboxMail], actor: Any) -> int:
    """Staff action "Erneut senden": failed (or cancelled) mails go back into the queue.

    The attempts start again from zero; the last error stays visible until a send succeeds.
    """
    ids = [m.pk for m in mails]
    count = OutboxMail.objects.filter(
        pk__in=ids, status__in=[OutboxMail.Status.FAILED, OutboxMail.Status.CANCELLED]
    ).update(
        status=OutboxMail.Status.QUEUED,
        attempts=0,
        next_attempt_at=timezone.now(),
        locked_at=None,
    )
    audit_log(actor=actor, action="outbox.requeue", data={"mail_ids": ids, "requeued": count})
    return count
