"""Texts name the configured periods, not fixed numbers: change a setting, the text follows."""

import pytest
from django.urls import reverse

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(client):
    person = PersonFactory()
    client.force_login(person)
    return person


def _page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_portal_texts_follow_the_settings(client, participant, settings):
    settings.CERTIFICATE_RETENTION_YEARS = 10
    settings.PARTICIPATION_RETENTION_YEARS = 10
    settings.COURSE_DOCUMENT_RETENTION_DAYS = 42
    assert "können Sie 10 Jahre lang" in _page(client, "portal:documents")
    assert "der letzten 10 Jahre" in _page(client, "portal:participations")
    assert "bis zum 42. Tag" in _page(client, "portal:course_documents")

    settings.CERTIFICATE_RETENTION_YEARS = 12
    settings.PARTICIPATION_RETENTION_YEARS = 1
    settings.COURSE_DOCUMENT_RETENTION_DAYS = 60
    html = _page(client, "portal:documents")
    assert "können Sie 12 Jahre lang" in html and "10 Jahre" not in html
    html = _page(client, "portal:participations")
    assert "der letzten 1 Jahr," in html and "Aufbewahrungsfristen 1 Jahr lang" in html
    assert "10 Jahre" not in html
    html = _page(client, "portal:course_documents")
    assert "bis zum 60. Tag" in html and "42. Tag" not in html


def test_upload_page_names_the_configured_days(client, settings):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    event = EventFactory()
    settings.COURSE_DOCUMENT_RETENTION_DAYS = 28
    html = client.get(reverse("admin:events_event_documents_upload", args=[event.pk])).content
    assert "bis zum 28. Tag nach dem letzten Veranstaltungstag" in html.decode()


def test_certificate_mail_names_the_configured_years(settings):
    row = OutboxMail.objects.create(
        template="certificate_available",
        to=["x@example.org"],
        context={
            "participant": {"full_name": "Özlem Yıldız"},
            "event": {"number": "T-1", "title": "Kurs", "dates": "01.12.2026"},
            "username": "oezlem.yildiz",
        },
    )
    settings.CERTIFICATE_RETENTION_YEARS = 10
    assert "10 Jahre lang" in mail_render(row).body
    settings.CERTIFICATE_RETENTION_YEARS = 7
    message = mail_render(row)
    assert "7 Jahre lang" in message.body and "10 Jahre" not in message.body
    assert "7 Jahre lang" in message.alternatives[0][0]
