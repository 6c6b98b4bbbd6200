import pytest

from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log, audit_log_many
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_bulk_entries_are_the_entries_audit_log_writes_with_secrets_masked():
    staff = PersonFactory(username="vera.waltung", is_staff=True)
    people = PersonFactory.create_batch(2)
    data = {"source": "import", "initial_password": "Geheim-4711", "reset_token": "abc"}
    single = audit_log(actor=staff, action="person.create", obj=people[0], data=data)
    [bulk, other] = audit_log_many(actor=staff, action="person.create", objects=people, data=data)

    fields = ["actor_id", "actor_label", "action", "object_type", "object_id", "object_label"]
    stored = AuditEntry.objects.get(pk=bulk.pk)
    assert [getattr(stored, f) for f in fields] == [getattr(single, f) for f in fields]
    assert (
        stored.data
        == single.data
        == {
            "source": "import",
            "initial_password": "***",
            "reset_token": "***",
        }
    )
    assert other.object_id == str(people[1].pk)
    assert "Geheim-4711" not in str(list(AuditEntry.objects.values()))
