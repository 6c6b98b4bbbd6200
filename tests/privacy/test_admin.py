import pytest
from django.urls import reverse

from kundenportal.privacy.services import deletion_request_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_staff_see_and_close_deletion_requests(client):
    staff = PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)
    request = deletion_request_create(person=PersonFactory(username="weg.damit"), reason="bitte")
    client.force_login(staff)
    listing = client.get(reverse("admin:privacy_deletionrequest_changelist"))
    assert "weg.damit" in listing.content.decode()
    url = reverse("admin:privacy_deletionrequest_change", args=[request.pk])
    response = client.post(url, {"status": "done", "staff_note": "gelöscht"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.handled_by == staff and request.handled_at is not None
