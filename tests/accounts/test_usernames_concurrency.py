"""Many registrations of the same name at the same instant (PostgreSQL, real threads)."""

import threading
import uuid

import pytest
from django.db import connection

from kundenportal.accounts.models import Person, UsernameSeries
from kundenportal.companies.models import Company
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def run_parallel(jobs):
    """Start every job at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a registration hung"
    assert not errors, errors
    return results


def register(event_pk, company_name):
    def job():
        from kundenportal.events.models import Event

        return registration_submit(
            event=Event.objects.get(pk=event_pk),
            participants=[ParticipantData(first_name="Max", last_name="Mustermann")],
            correspondence_email="hr@example.org",
            address=AddressData(
                company_name=company_name, street="Weg 1", postal_code="45127", city="Essen"
            ),
            consent=True,
            submission_token=uuid.uuid4(),
        ).registration.pk

    return job


def test_same_name_at_once_gets_unique_usernames_and_loses_nothing():
    # Half the threads book the same event (serialised by its row lock), half one event each
    # (only the username series orders them).
    shared = EventFactory(capacity=100)
    events = [shared.pk if i % 2 else EventFactory(capacity=5).pk for i in range(THREADS)]
    jobs = [register(events[i], f"Stadtwerke Nummer {i}") for i in range(THREADS)]

    registration_ids = run_parallel(jobs)

    assert len(set(registration_ids)) == THREADS
    assert Registration.objects.count() == THREADS
    assert Participation.objects.count() == THREADS
    usernames = sorted(Person.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == THREADS
    expected = {"max.mustermann"} | {f"max.mustermann{i}" for i in range(1, THREADS)}
    assert set(usernames) == expected
    assert UsernameSeries.objects.get().last_suffix == THREADS - 1


def test_same_person_at_same_new_company_at_once_gets_one_account():
    events = [EventFactory().pk for _ in range(THREADS)]
    jobs = [register(events[i], "Wasserverband Neu GmbH") for i in range(THREADS)]

    run_parallel(jobs)

    assert Company.objects.count() == 1
    assert Person.objects.count() == 1
    assert Participation.objects.filter(person=Person.objects.get()).count() == THREADS


def test_seats_are_never_overbooked_under_concurrency():
    event = EventFactory(capacity=5)
    jobs = [register(event.pk, f"Firma {i}") for i in range(THREADS)]

    run_parallel(jobs)

    assert Participation.objects.filter(event=event, status="registered").count() == 5
    assert Participation.objects.filter(event=event, status="waitlisted").count() == THREADS - 5


def test_double_submit_at_the_same_instant_makes_one_registration():
    event = EventFactory()
    token = uuid.uuid4()

    def job():
        return registration_submit(
            event=event,
            participants=[ParticipantData(first_name="Erika", last_name="Musterfrau")],
            correspondence_email="erika@example.org",
            address=AddressData(
                is_private=True, street="Ring 1", postal_code="10115", city="Berlin"
            ),
            consent=True,
            submission_token=token,
        ).registration.pk

    ids = run_parallel([job] * 6)

    assert len(set(ids)) == 1
    assert Registration.objects.count() == 1
    assert Person.objects.count() == 1


def test_import_beside_registrations_of_the_same_name():
    from kundenportal.registrations.customer_import import customers_import

    lines = ["vorname;nachname;email;firma;strasse;plz;ort"]
    lines += [f"Max;Mustermann;;Importfirma {i};Weg 1;45127;Essen" for i in range(200)]
    data = ("\n".join(lines) + "\n").encode()
    event = EventFactory(capacity=100)

    def import_job():
        report = customers_import(data=data)
        assert report.imported, report.errors
        return report

    jobs = [import_job] + [register(event.pk, f"Anmeldefirma {i}") for i in range(THREADS - 1)]
    run_parallel(jobs)

    usernames = list(Person.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == 200 + THREADS - 1
    assert UsernameSeries.objects.get().last_suffix == 200 + THREADS - 2


def test_same_person_same_event_at_once_is_registered_once():
    from kundenportal.registrations.services.booking import AlreadyRegistered

    event = EventFactory()
    job = register(event.pk, "Wasserverband Neu GmbH")

    def guarded():
        try:
            return job()
        except AlreadyRegistered:
            return "already"

    results = run_parallel([guarded] * 8)

    assert results.count("already") == 7
    assert Registration.objects.count() == 1
    assert Participation.objects.filter(event=event).count() == 1
    assert Person.objects.count() == 1
