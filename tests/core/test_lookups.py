"""``__any``: ``__in`` as one array on PostgreSQL."""

import pytest
from django.db.models import Q

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.registrations.models import Participation
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_finds_what_in_finds():
    people = [PersonFactory() for _ in range(3)]
    ids = [people[0].pk, people[2].pk, people[0].pk, 10**9]
    assert set(Person.objects.filter(pk__any=ids)) == set(Person.objects.filter(pk__in=ids))
    assert set(Person.objects.filter(pk__any=ids)) == {people[0], people[2]}
    # On a foreign key, on text, negated and inside an OR.
    participation = ParticipationFactory(person=people[1])
    assert list(Participation.objects.filter(person_id__any=[people[1].pk])) == [participation]
    AuditEntry.objects.create(action="x", object_type="t", object_id="7", object_label="a")
    assert AuditEntry.objects.filter(object_id__any=["7", "8"]).count() == 1
    assert AuditEntry.objects.exclude(object_id__any=["7"]).filter(action="x").count() == 0
    assert Person.objects.filter(Q(pk__any=[people[1].pk]) | Q(pk__any=[])).count() == 1


def test_an_empty_list_matches_nothing():
    PersonFactory()
    assert not Person.objects.filter(pk__any=[]).exists()
    assert Person.objects.exclude(pk__any=[]).count() == 1


def test_only_lists():
    with pytest.raises(TypeError):
        Person.objects.filter(pk__any=Person.objects.values("pk"))
