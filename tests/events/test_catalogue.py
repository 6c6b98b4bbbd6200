import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kundenportal.events.models import Event
from tests.factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_upcoming_bookable_events_only(client):
    today = timezone.localdate()
    upcoming = EventFactory(title="Arbeitssicherheit auf Kläranlagen")
    EventFactory(title="Vergangen", first_day=today - dt.timedelta(days=3))
    EventFactory(title="Entwurf", status=Event.Status.DRAFT)
    EventFactory(title="Abgesagt", status=Event.Status.CANCELLED)

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert upcoming.title in page
    assert upcoming.first_day.strftime("%d.%m.") in page
    for hidden in ("Vergangen", "Entwurf", "Abgesagt"):
        assert hidden not in page


def test_catalogue_shows_free_seats_and_full_events(client):
    event = EventFactory(capacity=3)
    ParticipationFactory.create_batch(2, registration__event=event)
    ParticipationFactory(registration__event=event, status="cancelled")
    full = EventFactory(capacity=1)
    ParticipationFactory(registration__event=full)

    page = client.get("/").content.decode()

    assert 'data-label="Freie Plätze">1<' in page
    assert "ausgebucht – Warteliste" in page


def test_catalogue_search_and_format_filter(client):
    EventFactory(title="Online-Seminar Trinkwasser", format=Event.Format.ONLINE)
    EventFactory(title="Kanalreinigung")

    page = client.get("/", {"q": "trinkwasser"}).content.decode()
    assert "Online-Seminar Trinkwasser" in page and "Kanalreinigung" not in page

    page = client.get("/", {"format": "online"}).content.decode()
    assert "Online-Seminar Trinkwasser" in page and "Kanalreinigung" not in page

    page = client.get("/", {"q": "gibt es nicht"}).content.decode()
    assert "Keine Veranstaltung passt zu Ihrer Suche" in page


def test_catalogue_query_count_does_not_grow(client, django_assert_max_num_queries):
    EventFactory.create_batch(25)
    with django_assert_max_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('data-label="Veranstaltung"') == 20
    assert "Seite 1 von 2" in response.content.decode()


def test_event_detail(client):
    event = EventFactory(title="Probenahme von Abwasser", capacity=12, place="Wesel")
    response = client.get(reverse("events:detail", args=[event.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Probenahme von Abwasser" in page
    assert "12 von 12" in page
    assert "Wesel" in page


def test_event_detail_unknown_and_draft_are_404(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(reverse("events:detail", args=["X-0000"])).status_code == 404
    assert client.get(reverse("events:detail", args=[draft.number])).status_code == 404


def test_past_event_detail_says_booking_closed(client):
    event = EventFactory(first_day=timezone.localdate() - dt.timedelta(days=10))
    page = client.get(reverse("events:detail", args=[event.number])).content.decode()
    assert "nicht mehr möglich" in page
