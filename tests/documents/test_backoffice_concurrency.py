"""Two staff members click "Bescheinigungen erzeugen" at the same moment (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from kundenportal.documents.models import Certificate
from kundenportal.documents.services import certificates_generate
from kundenportal.notifications.models import OutboxMail
from tests.factories import EventFactory, ParticipationFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_generation_makes_each_certificate_once(monkeypatch):
    from kundenportal.documents import services

    # Small chunks: the two runs interleave chunk by chunk.
    monkeypatch.setattr(services, "CERTIFICATE_CHUNK", 5)
    today = timezone.localdate()
    event = EventFactory(first_day=today - dt.timedelta(days=2), last_day=today, capacity=40)
    ParticipationFactory.create_batch(
        23, registration=RegistrationFactory(event=event), status="attended"
    )
    start = threading.Barrier(2)
    created, errors = [], []

    def staff():
        try:
            start.wait()
            created.append(certificates_generate(event=event, actor=None).created)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=staff) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(created) == 23
    assert Certificate.objects.filter(participation__event=event).count() == 23
    assert OutboxMail.objects.filter(template="certificate_available").count() == 23
