"""Two workers run the reminder job at the same moment (PostgreSQL): each reminder once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from kundenportal.notifications.models import OutboxMail
from kundenportal.qualifications.mail import REMINDER_MAIL
from kundenportal.qualifications.models import QualificationReminder
from kundenportal.qualifications.rules import last_days_for_valid_until
from kundenportal.qualifications.services import qualification_reminders_send
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    ParticipationFactory,
    PersonFactory,
    QualificationFactory,
    RegistrationFactory,
)

from .helpers import GRANTS, course

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_runs_queue_each_reminder_once(settings):
    # Small chunks: the two runs interleave chunk by chunk.
    settings.QUALIFICATION_REMINDER_BATCH_SIZE = 3
    today = timezone.localdate()
    q = QualificationFactory(refresh_months=24)
    # 17 people lapsing in 120 days, 9 in 30 days (two courses ending on those days).
    for days, count in ((120, 17), (30, 9)):
        until = today + dt.timedelta(days=days)
        last_day, _ = last_days_for_valid_until(first=until, last=until, refresh_months=24)
        event = course(q, last_day, GRANTS)
        registration = RegistrationFactory(event=event)
        for _ in range(count):
            participation = ParticipationFactory(
                registration=registration,
                person=PersonFactory(email=""),
                status=Participation.Status.ATTENDED,
            )
            CertificateFactory(participation=participation, issued_on=event.last_day)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            qualification_reminders_send(today=today)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    mails = OutboxMail.objects.filter(template=REMINDER_MAIL)
    assert mails.count() == 26
    assert sorted(m.context["lead_days"] for m in mails) == [30] * 9 + [120] * 17
    assert QualificationReminder.objects.count() == 26
    assert qualification_reminders_send(today=today).queued == 0
