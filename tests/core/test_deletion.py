"""RowsDeletion deletes what QuerySet.delete() deletes, set-based."""

import pytest
from django.db.models.signals import post_delete

from kundenportal.core.deletion import RowsDeletion
from kundenportal.documents.models import Certificate
from kundenportal.registrations.models import Participation, Registration
from tests.factories import CertificateFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _history():
    first = ParticipationFactory()
    certificate = CertificateFactory(participation=first)
    # A rebooking points at the first participation (SET_NULL); it is another person's.
    other = ParticipationFactory(rebooked_from=first)
    return first, certificate, other


def test_cascades_sets_null_and_lists_files_like_the_orm(django_assert_max_num_queries):
    first, certificate, other = _history()
    person = first.person
    deletion = RowsDeletion(model=type(person), pks=[person.pk])
    assert set(deletion.rows[Participation]) == {first.pk}
    assert set(deletion.rows[Certificate]) == {certificate.pk}
    assert deletion.files() == [("documents.certificate.file", certificate.file.name)]
    assert deletion.simple
    with django_assert_max_num_queries(30):
        assert deletion.delete() == 1
    assert not Participation.objects.filter(pk=first.pk).exists()
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    other.refresh_from_db()
    assert other.rebooked_from_id is None
    # The booking stays (it is not the person's to take along).
    assert Registration.objects.filter(pk=first.registration_id).exists()


def test_the_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    people = [ParticipationFactory().person for _ in range(5)]
    with django_assert_max_num_queries(30):
        RowsDeletion(model=type(people[0]), pks=[p.pk for p in people]).delete()
    assert not Participation.objects.exists()


def test_a_model_with_delete_receivers_is_left_to_the_orm():
    first, certificate, _other = _history()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_delete.connect(receiver, sender=Certificate, dispatch_uid="test-rows-deletion")
    try:
        deletion = RowsDeletion(model=Participation, pks=[first.pk])
        assert not deletion.simple
        assert deletion.delete() == 1
    finally:
        post_delete.disconnect(sender=Certificate, dispatch_uid="test-rows-deletion")
    assert seen == [certificate.pk]
    assert not Participation.objects.filter(pk=first.pk).exists()


def test_nothing_to_delete():
    person = PersonFactory()
    assert RowsDeletion(model=type(person), pks=[]).delete() == 0
