import pytest
from django.urls import reverse

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.privacy.models import DeletionRequest
from kundenportal.privacy.services import deletion_request_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_deletion_request_from_the_portal_reaches_staff_once(client):
    person = PersonFactory(username="max.mustermann")
    client.force_login(person)
    url = reverse("portal:deletion_request")
    assert "Bitte bestätigen Sie" in client.post(url, {"reason": "x"}).content.decode()
    response = client.post(url, {"reason": "Ich brauche das Konto nicht mehr.", "confirm": "on"})
    assert response["Location"] == reverse("portal:data")
    client.post(url, {"reason": "nochmal", "confirm": "on"})
    request = DeletionRequest.objects.get()
    assert request.person == person and request.username == "max.mustermann"
    assert request.status == DeletionRequest.Status.OPEN
    mail = OutboxMail.objects.get(template="deletion_requested")
    assert mail.to == ["marketing@bew.example"]
    assert "max.mustermann" in mail_render(mail).body


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
    assert request.status == DeletionRequest.Status.DONE
    # A new request is possible once the old one is closed.
    assert deletion_request_create(person=request.person).pk != request.pk


def test_meine_daten_shows_the_open_request_instead_of_the_link(client):
    person = PersonFactory(username="max.mustermann")
    client.force_login(person)
    assert "Konto löschen beantragen" in client.get(reverse("portal:data")).content.decode()
    deletion_request_create(person=person)
    html = client.get(reverse("portal:data")).content.decode()
    assert "Ihren Antrag auf Löschung des Kontos vom" in html
