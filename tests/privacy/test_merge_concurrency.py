"""Two staff members merge overlapping accounts at the same instant (PostgreSQL, threads):
one merge wins, the other is refused in German; nothing is lost, nothing deadlocks."""

import pytest
from django.core.exceptions import ValidationError

from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.privacy.erasure import account_delete
from kundenportal.privacy.merge import accounts_merge
from kundenportal.registrations.models import Participation
from tests.accounts.test_usernames_concurrency import run_parallel
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def catching(job):
    """The job's result, or the exception it raised (run_parallel fails on any error)."""

    def run():
        try:
            return job()
        except ValidationError as exc:
            return exc

    return run


def test_overlapping_merges_and_a_deletion_at_the_same_instant():
    staff = PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)
    a, b, c = (person_create(first_name="Max", last_name="Mustermann") for _ in range(3))
    for person in (a, b, c):
        ParticipationFactory(person=person)

    outcomes = run_parallel(
        [
            catching(
                lambda: accounts_merge(
                    survivor_username=a.username, usernames=[b.username], actor=staff
                )
            ),
            catching(
                lambda: accounts_merge(
                    survivor_username=c.username, usernames=[b.username], actor=staff
                )
            ),
            catching(lambda: account_delete(person=b, actor=staff)),
        ]
    )

    succeeded = [o for o in outcomes if not isinstance(o, ValidationError)]
    assert len(succeeded) == 1, outcomes
    for refused in (o for o in outcomes if isinstance(o, ValidationError)):
        assert (
            "wurde inzwischen" in refused.messages[0]
            or "besteht nicht mehr" in (refused.messages[0])
        )
    assert not Person.objects.filter(pk=b.pk).exists()
    # b's participation went to exactly one survivor, or with b's deletion.
    left = Participation.objects.count()
    assert left in (2, 3)
    assert Person.objects.filter(pk__in=[a.pk, c.pk]).count() == 2
