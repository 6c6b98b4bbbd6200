"""Writes: the daily reminder job and switching reminders off and on.

The job, once a day (``qualifications.reminders``): for each qualification and each lead time
(``QUALIFICATION_REMINDER_DAYS``, 120 and 30 by default) it finds the persons whose
qualification ends within that lead time but after the next shorter one (so a run that was
missed for days still sends the reminder that is due, and only the shortest one that applies),
and queues one mail each. A ``QualificationReminder`` row (unique per participation and lead
time) and the outbox's dedupe key are written in the same transaction as the mail, so two
workers at once, or a second run the same day, send nothing twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kundenportal.accounts.models import BoundAddress
from kundenportal.audit.services import audit_log
from kundenportal.events.models import Qualification
from kundenportal.notifications.services import MailSpec, mail_enqueue_many

from .mail import REMINDER_MAIL
from .models import QualificationReminder, ReminderOptOut
from .rules import qualification_valid_until
from .selectors import reminder_candidates

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    queued: int = 0
    without_address: int = 0
    by_lead: dict[int, int] = field(default_factory=dict)


def _windows(today: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """(lead days, first, last day of validity) per lead time, longest first: a validity
    ending within the lead time but after the next shorter one."""
    leads = sorted(set(settings.QUALIFICATION_REMINDER_DAYS), reverse=True)
    windows = []
    for i, lead in enumerate(leads):
        shorter = leads[i + 1] if i + 1 < len(leads) else -1
        windows.append(
            (lead, today + dt.timedelta(days=shorter + 1), today + dt.timedelta(days=lead))
        )
    return windows


def _recipient(row: dict, bound: set[tuple[int, str]]) -> tuple[str, bool]:
    """The participant's own address, else the correspondence address of the booking of the
    course the qualification rests on; and whether that address is bound to the account (only
    then does the mail carry the prefilled booking link, which shows the stored data)."""
    own = (row["person__email"] or "").strip()
    if own:
        return own, True
    booker = (row["registration__correspondence_email"] or "").strip()
    return booker, (row["person_id"], booker.lower()) in bound


def _queue_chunk(rows: list[dict], *, qualification_id: int, lead: int) -> tuple[int, int]:
    bound = set(
        BoundAddress.objects.filter(
            person_id__in=[r["person_id"] for r in rows if not r["person__email"]],
        ).values_list("person_id", "email")
    )
    reminders, mails, without = [], [], 0
    for row in rows:
        to, prefill = _recipient(row, bound)
        if not to:
            without += 1
            continue
        valid_until = row["valid_until"]
        reminders.append(
            QualificationReminder(
                participation_id=row["pk"], lead_days=lead, valid_until=valid_until
            )
        )
        mails.append(
            MailSpec(
                template=REMINDER_MAIL,
                to=[to],
                context={
                    "person_id": row["person_id"],
                    "participation_id": row["pk"],
                    "qualification_id": qualification_id,
                    "valid_until": valid_until.isoformat(),
                    "lead_days": lead,
                    "prefill": prefill,
                },
                dedupe_key=f"{REMINDER_MAIL}:{row['pk']}:{lead}",
            )
        )
    with transaction.atomic():
        # A row another run committed meanwhile wins (unique constraint); its mail too
        # (the outbox's dedupe key), so nothing goes twice.
        QualificationReminder.objects.bulk_create(reminders, ignore_conflicts=True)
        queued = mail_enqueue_many(mails=mails)
    return queued, without


def qualification_reminders_send(*, today: dt.date | None = None) -> ReminderRun:
    """Queue every reminder due on ``today``; idempotent."""
    today = today or timezone.localdate()
    run = ReminderRun()
    batch = settings.QUALIFICATION_REMINDER_BATCH_SIZE
    for qualification in Qualification.objects.order_by("pk"):
        for lead, first, last in _windows(today):
            candidates = reminder_candidates(
                qualification_id=qualification.pk,
                refresh_months=qualification.refresh_months,
                first=first,
                last=last,
                lead_days=lead,
                today=today,
            ).order_by()
            # All of the window's due rows at once (as many as are due, not as many as there
            # are certificates; no ORDER BY, which could lead the planner to walk the whole
            # table in key order), then written in chunks.
            due = list(
                candidates.values(
                    "pk",
                    "person_id",
                    "person__email",
                    "registration__correspondence_email",
                    "event__last_day",
                )
            )
            due.sort(key=lambda row: row["pk"])
            for start in range(0, len(due), batch):
                rows = due[start : start + batch]
                for row in rows:
                    row["valid_until"] = qualification_valid_until(
                        last_day=row["event__last_day"],
                        refresh_months=qualification.refresh_months,
                    )
                queued, without = _queue_chunk(rows, qualification_id=qualification.pk, lead=lead)
                run.queued += queued
                run.without_address += without
                run.by_lead[lead] = run.by_lead.get(lead, 0) + queued
    if run.queued or run.without_address:
        with transaction.atomic():
            audit_log(
                actor=None,
                action="qualifications.reminders",
                data={
                    "queued": run.queued,
                    "without_address": run.without_address,
                    "by_lead_days": {str(k): v for k, v in run.by_lead.items()},
                },
            )
    logger.info(
        "qualification reminders queued=%d without_address=%d", run.queued, run.without_address
    )
    return run


def qualification_reminders_job() -> None:
    qualification_reminders_send()


@transaction.atomic
def qualification_reminders_switch(*, person: Any, enabled: bool, via: str) -> bool:
    """Switch the person's Fachkunde reminders on or off; returns whether anything changed.
    ``via``: "portal" or "unsubscribe_link" (for the audit log)."""
    if enabled:
        changed = ReminderOptOut.objects.filter(person=person).delete()[0] > 0
    else:
        _row, changed = ReminderOptOut.objects.get_or_create(person=person)
    if changed:
        audit_log(
            actor=person if via == "portal" else None,
            action="qualifications.reminders_on" if enabled else "qualifications.reminders_off",
            obj=person,
            data={"via": via},
        )
    return changed
