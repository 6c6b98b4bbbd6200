"""The catalogue's event rows come from the shared cache; a change of an event clears it."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from kundenportal.events.models import Event
from tests.factories import EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue_cache(settings):
    settings.CATALOGUE_CACHE_SECONDS = 300
    # The rows' tests read the seats live; the seats' own cache is tested at the end.
    settings.CATALOGUE_SEATS_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_second_request_reads_the_rows_from_the_cache(client, django_assert_num_queries):
    EventFactory.create_batch(5, title="Kanalreinigung")
    _page(client)
    # Only the live seat count is read; a change that bypasses the model (no signal) stays
    # unseen, which proves the rows came from the cache.
    Event.objects.update(title="Geändert ohne Signal")
    with django_assert_num_queries(1):
        page = _page(client)
    assert "Kanalreinigung" in page
    assert "Geändert ohne Signal" not in page


def test_saving_an_event_clears_the_cache_after_commit(client, django_capture_on_commit_callbacks):
    event = EventFactory(title="Kanalreinigung")
    _page(client)
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Kanalinspektion"
        event.save()
    page = _page(client)
    assert "Kanalinspektion" in page and "Kanalreinigung" not in page


def test_cache_is_not_cleared_before_the_change_commits(client, django_capture_on_commit_callbacks):
    event = EventFactory(title="Kanalreinigung")
    _page(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            event.title = "Kanalinspektion"
            event.save()
        # Not committed yet (the test's transaction): the page may not be rebuilt from it.
        assert "Kanalreinigung" in _page(client)
    for callback in callbacks:
        callback()
    assert "Kanalinspektion" in _page(client)


def test_new_cancelled_and_deleted_events_show_at_once(client, django_capture_on_commit_callbacks):
    stays = EventFactory(title="Bleibt")
    cancelled = EventFactory(title="Wird abgesagt")
    deleted = EventFactory(title="Wird gelöscht")
    _page(client)
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="Ganz neu")
        cancelled.status = Event.Status.CANCELLED
        cancelled.save()
        Event.objects.filter(pk=deleted.pk).delete()  # the admin's bulk delete
    page = _page(client)
    assert stays.title in page and "Ganz neu" in page
    assert "Wird abgesagt" not in page and "Wird gelöscht" not in page


def test_free_seats_are_live_without_clearing(client):
    event = EventFactory(capacity=2)
    ParticipationFactory(registration__event=event)
    assert 'data-label="Freie Plätze">1<' in _page(client)
    ParticipationFactory(registration__event=event)  # no commit hook runs in this test
    assert "ausgebucht – Warteliste" in _page(client)


def test_search_is_not_cached(client):
    EventFactory(title="Kanalreinigung")
    client.get("/", {"q": "kanal"})
    Event.objects.update(title="Kanalinspektion")
    assert "Kanalinspektion" in client.get("/", {"q": "kanal"}).content.decode()


def test_each_format_and_page_has_its_own_rows(client):
    EventFactory(title="Präsenzkurs", format=Event.Format.PRESENCE)
    EventFactory(title="Onlinekurs", format=Event.Format.ONLINE)
    assert "Präsenzkurs" in _page(client)
    online = client.get("/", {"format": "online"}).content.decode()
    assert "Onlinekurs" in online and "Präsenzkurs" not in online


def test_without_shared_cache_nothing_is_cached(client, settings):
    settings.CATALOGUE_CACHE_SECONDS = 0
    EventFactory(title="Kanalreinigung")
    _page(client)
    Event.objects.update(title="Kanalinspektion")
    assert "Kanalinspektion" in _page(client)


def test_free_seats_are_kept_a_few_seconds_then_read_again(
    client, settings, django_assert_num_queries
):
    settings.CATALOGUE_SEATS_CACHE_SECONDS = 10
    event = EventFactory(capacity=2)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        assert 'data-label="Freie Plätze">2<' in _page(client)
        ParticipationFactory(registration__event=event)
        with django_assert_num_queries(0):
            assert 'data-label="Freie Plätze">2<' in _page(client)  # within the 10 seconds
        # The event page reads them live at any time.
        detail = client.get(f"/veranstaltungen/{event.number}/").content.decode()
        assert "<dd>1 von 2</dd>" in detail
        t.shift(dt.timedelta(seconds=11))
        assert 'data-label="Freie Plätze">1<' in _page(client)


def test_a_change_of_an_event_reads_the_seats_again_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOGUE_SEATS_CACHE_SECONDS = 10
    event = EventFactory(capacity=2)
    assert 'data-label="Freie Plätze">2<' in _page(client)
    with django_capture_on_commit_callbacks(execute=True):
        event.capacity = 5
        event.save()
    assert 'data-label="Freie Plätze">5<' in _page(client)
