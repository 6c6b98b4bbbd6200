"""The booking limit per client address under simultaneous bookings (PostgreSQL, threads,
each with its own connection, as several web processes have)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kundenportal.registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.test_anti_automation import _fill

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_bookings_from_one_address_take_exactly_the_limit(settings):
    settings.REGISTRATION_LIMIT_PER_IP_HOUR = 8
    event = EventFactory(capacity=100)
    clients = []
    for i in range(20):
        client = Client()
        _fill(client, event, last_name=f"Gleichzeitig{chr(65 + i)}", email=f"p{i}@example.org")
        clients.append(client)
    url = reverse("registrations:finish", args=[event.number])
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def book(client):
        try:
            barrier.wait(timeout=30)
            response = client.post(
                url, {"accept_terms": "on", "accept_privacy": "on", "action": "submit"}
            )
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(statuses) == [200] * 12 + [302] * 8
    assert Registration.objects.count() == 8
