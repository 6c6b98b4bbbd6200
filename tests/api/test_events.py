"""Events: upsert by number, sync by updated_since with a cursor, cancel, confirm."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation
from tests.factories import EventFactory, ParticipationFactory

from .conftest import event_body
from .test_auth import assert_problem

pytestmark = pytest.mark.django_db


def test_put_creates_then_updates_and_the_same_data_change_nothing(api):
    response = api.put("/events/K-100", event_body())
    assert response.status_code == 201
    assert response.json()["created"] is True
    event = Event.objects.get(number="K-100")
    assert (event.title, event.capacity, event.status) == ("Fachkunde Abwasser", 10, "published")
    stamp = event.updated_at

    again = api.put("/events/K-100", event_body())
    assert again.status_code == 200
    assert again.json() | {"event": None} == {"event": None, "created": False, "changed": False}
    event.refresh_from_db()
    assert event.updated_at == stamp

    changed = api.put("/events/K-100", event_body(capacity=12, status="draft"))
    assert changed.json()["changed"] is True
    event.refresh_from_db()
    assert (event.capacity, event.status) == (12, "draft")
    assert AuditEntry.objects.filter(action="event.update").count() == 1


def test_put_refuses_bad_days_and_a_cancelled_event(api):
    body = assert_problem(
        api.put("/events/K-101", event_body(first_day="2030-03-05", last_day="2030-03-01")), 422
    )
    assert "letzte Tag" in body["detail"]
    assert not Event.objects.filter(number="K-101").exists()
    EventFactory(number="K-102", status=Event.Status.CANCELLED)
    body = assert_problem(api.put("/events/K-102", event_body()), 409)
    assert "abgesagte" in body["detail"]


def test_a_confirmed_event_keeps_its_status_on_update(api):
    EventFactory(number="K-103", status=Event.Status.CONFIRMED)
    api.put("/events/K-103", event_body(status="draft"))
    assert Event.objects.get(number="K-103").status == Event.Status.CONFIRMED


def test_sync_by_updated_since_follows_the_cursor_through_every_event(api):
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=1), tick=False):
        EventFactory(number="ALT")
    with time_machine.travel(start, tick=False):
        # Same updated_at for all: the cursor must still give each exactly once.
        for i in range(7):
            EventFactory(number=f"N-{i}")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"updated_since": start.isoformat(), "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/events", params).json()
        seen += [e["number"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"N-{i}" for i in range(7)]
    assert pages == 3


def test_list_query_count_does_not_grow(api, django_assert_max_num_queries):
    for i in range(30):
        EventFactory(number=f"Q-{i}")
    with django_assert_max_num_queries(8):
        assert len(api.get("/events", {"limit": 500}).json()["items"]) == 30


def test_bad_cursor_and_naive_updated_since_are_problems(api):
    assert_problem(api.get("/events", {"cursor": "!!!"}), 400)
    assert_problem(api.get("/events", {"updated_since": "2026-01-01T00:00:00"}), 422)
    assert_problem(api.get("/events", {"limit": 0}), 422)


def test_cancel_is_the_admin_action_with_its_mails_and_the_reason_in_the_log(api):
    event = EventFactory(number="K-104")
    ParticipationFactory.create_batch(2, registration__event=event)
    response = api.post("/events/K-104/cancel", {"reason": "Zu wenige Anmeldungen"})
    assert response.status_code == 200
    assert response.json()["participations_cancelled"] == 2
    assert set(Participation.objects.values_list("status", flat=True)) == {"cancelled"}
    assert OutboxMail.objects.filter(template="event_cancelled").count() == 2
    reason = AuditEntry.objects.get(action="event.cancel_reason")
    assert reason.data == {"reason": "Zu wenige Anmeldungen"}
    assert_problem(api.post("/events/K-104/cancel", {"reason": ""}), 422)


def test_confirm_enqueues_the_credentials_mails(api):
    event = EventFactory(number="K-105")
    ParticipationFactory.create_batch(2, registration__event=event)
    response = api.post("/events/K-105/confirm")
    assert response.status_code == 200
    assert response.json()["mails"] == 2
    assert response.json()["event"]["status"] == "confirmed"
    assert OutboxMail.objects.filter(template="confirmation").count() == 2
    EventFactory(number="K-106", status=Event.Status.CANCELLED)
    assert_problem(api.post("/events/K-106/confirm"), 409)
