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


def test_sets_and_texts_that_need_quoting():
    people = [PersonFactory() for _ in range(3)]
    wanted = {people[0].pk, people[2].pk}
    assert set(Person.objects.filter(pk__any=wanted)) == {people[0], people[2]}
    assert set(Person.objects.filter(pk__any=frozenset(wanted))) == {people[0], people[2]}
    # Ids as text (from a form or a JSON document) are read as numbers, as __in reads them.
    assert set(Person.objects.filter(pk__any=[str(people[1].pk)])) == {people[1]}
    odd = ['a"b', "c\\d", "e,f", "{g}", "h i", "ümlaut", "", "NULL"]
    for index, text in enumerate(odd):
        AuditEntry.objects.create(
            action="x", object_type="t", object_id=text, object_label=str(index)
        )
    found = AuditEntry.objects.filter(object_id__any=odd).values_list("object_id", flat=True)
    assert sorted(found) == sorted(odd)
    assert AuditEntry.objects.filter(object_id__any={'a"b', "nothing"}).count() == 1
    # None among the values matches nothing, as in __in.
    assert set(Person.objects.filter(pk__any=[people[0].pk, None])) == {people[0]}


def test_the_array_is_one_parameter_on_postgresql():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [PersonFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as captured:
        list(Person.objects.filter(pk__any=[p.pk for p in people]))
    sql = captured.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and "::bigint[]" in sql
    else:
        assert " IN (" in sql
