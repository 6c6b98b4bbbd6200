"""Two staff members merge overlapping accounts at the same instant (PostgreSQL, threads):
one merge wins, the other is refused in German; nothing is lost, nothing deadlocks."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.privacy.accounts import account_delete, accounts_merge
from kundenportal.registrations.models import Participation
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_parallel(jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = job()
        except BaseException as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a merge hung"
    return outcomes


def test_overlapping_merges_and_a_deletion_at_the_same_instant():
    staff = PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)
    a, b, c = (person_create(first_name="Max", last_name="Mustermann") for _ in range(3))
    for person in (a, b, c):
        ParticipationFactory(person=person)

    outcomes = run_parallel(
        [
            lambda: accounts_merge(
                survivor_username=a.username, usernames=[b.username], actor=staff
            ),
            lambda: accounts_merge(
                survivor_username=c.username, usernames=[b.username], actor=staff
            ),
            lambda: account_delete(person=b, actor=staff),
        ]
    )

    succeeded = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(succeeded) == 1, outcomes
    assert all(isinstance(o, ValidationError) for o in refused), refused
    assert not Person.objects.filter(pk=b.pk).exists()
    # b's participation went to exactly one survivor, or with b's deletion.
    left = Participation.objects.count()
    assert left in (2, 3)
    assert Person.objects.filter(pk__in=[a.pk, c.pk]).count() == 2
