"""Two purges never overlap; a registration reusing an account beats the account purge
(PostgreSQL: real transactions in two threads)."""

import datetime as dt
import threading
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction

from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.models import AuditEntry
from kundenportal.companies.services import advisory_lock
from kundenportal.documents.models import CourseDocument
from kundenportal.retention import services
from kundenportal.retention.services import PurgeAlreadyRunning, retention_purge
from tests.factories import CourseDocumentFactory, EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = dt.date


def test_a_second_purge_while_the_first_runs_stops_and_deletes_nothing():
    event = EventFactory(first_day=D(2026, 1, 5), last_day=D(2026, 1, 5))
    CourseDocumentFactory.create_batch(6, event=event)
    in_first_chunk = threading.Event()
    release = threading.Event()
    results = {}
    real_renew = services._lock_renew

    def slow_renew(token):
        real_renew(token)
        if threading.current_thread().name == "first" and not in_first_chunk.is_set():
            in_first_chunk.set()
            release.wait(10)

    def run(name):
        try:
            with time_machine.travel(dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC), tick=True):
                results[name] = retention_purge(batch_size=2)
        except PurgeAlreadyRunning as exc:
            results[name] = exc
        finally:
            connection.close()

    with mock.patch.object(services, "_lock_renew", slow_renew):
        first = threading.Thread(target=run, args=("first",), name="first")
        first.start()
        try:
            assert in_first_chunk.wait(10)
            second = threading.Thread(target=run, args=("second",), name="second")
            second.start()
            second.join(10)
            assert isinstance(results["second"], PurgeAlreadyRunning)
        finally:
            release.set()
            first.join(10)
    assert results["first"].counts["course_documents"] == 6
    assert not CourseDocument.objects.exists()
    assert AuditEntry.objects.filter(action="retention.purge").count() == 1


def test_two_purges_started_at_once_run_once():
    event = EventFactory(first_day=D(2026, 1, 5), last_day=D(2026, 1, 5))
    CourseDocumentFactory.create_batch(10, event=event)
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            with time_machine.travel(dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC), tick=True):
                start.wait(10)
                results.append(retention_purge(batch_size=1).counts["course_documents"])
        except PurgeAlreadyRunning:
            results.append("skipped")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    # Either the second found the lease taken, or it started after the first had finished
    # and found nothing left: never do two runs delete side by side.
    assert sorted(map(str, results)) in (["10", "skipped"], ["0", "10"])
    assert not CourseDocument.objects.exists()


def test_an_account_a_registration_is_reusing_right_now_is_kept():
    with time_machine.travel(dt.datetime(2016, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        person = person_create(first_name="Max", last_name="Mustermann")
    locked = threading.Event()
    release = threading.Event()

    def registration():
        # What registrations.services.resolution.person_resolve holds while it reuses an account.
        try:
            with transaction.atomic():
                advisory_lock(key=f"person:{person.name_key}:private")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=registration)
    thread.start()
    try:
        assert locked.wait(10)
        with time_machine.travel(dt.datetime(2036, 7, 1, 3, tzinfo=dt.UTC), tick=True):
            assert retention_purge().counts["accounts"] == 0
    finally:
        release.set()
        thread.join(10)
    assert Person.objects.filter(pk=person.pk).exists()
    with time_machine.travel(dt.datetime(2036, 7, 1, 4, tzinfo=dt.UTC), tick=True):
        assert retention_purge().counts["accounts"] == 1
