"""The outbox in the admin: deleting a row (it names people and addresses) is audited."""

import pytest
from django.urls import reverse

from kundenportal.audit.models import AuditEntry
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client, staff


def _mail(to):
    return mail_enqueue(template="password_changed", to=[to], context={"person_id": 1})


def test_deleting_an_outbox_row_on_its_page_is_audited(staff_client):
    client, staff = staff_client
    mail = _mail("anna.beispiel@example.org")
    url = reverse("admin:notifications_outboxmail_delete", args=[mail.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not OutboxMail.objects.filter(pk=mail.pk).exists()
    entry = AuditEntry.objects.get(action="admin.delete")
    assert entry.actor == staff
    assert (entry.object_type, entry.object_id) == ("notifications.outboxmail", str(mail.pk))
    assert entry.data == {
        "template": "password_changed",
        "status": "queued",
        "recipients": 1,
        "person_ids": [1],
    }
    # The entry outlives the mail: it keeps no address.
    assert "anna.beispiel" not in f"{entry.object_label} {entry.data}"


def test_deleting_outbox_rows_by_action_is_audited_per_row(staff_client):
    client, staff = staff_client
    mails = [_mail(f"person{i}@example.org") for i in range(3)]
    response = client.post(
        reverse("admin:notifications_outboxmail_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in mails], "post": "yes"},
    )
    assert response.status_code == 302
    assert not OutboxMail.objects.exists()
    deleted = AuditEntry.objects.filter(action="admin.delete", actor=staff)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(m.pk) for m in mails)
    action = AuditEntry.objects.get(action="admin.action")
    assert action.data["action"] == "delete_selected" and action.data["count"] == 3
