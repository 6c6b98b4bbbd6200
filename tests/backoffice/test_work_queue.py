"""The start page of the back office is each role's work queue: counts of open work, each
linking to the list that shows exactly those rows, only what the role may act on, in a fixed
number of queries."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundenportal.backoffice.roles import AUSWERTUNG, MARKETING, SEMINARVERWALTUNG
from kundenportal.backoffice.selectors import event_work_counts
from kundenportal.companies.models import AddressChange
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.models import DeletionRequest
from kundenportal.registrations.models import Registration
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
BERLIN = ZoneInfo("Europe/Berlin")
INDEX = "/verwaltung/"

# The entries each role sees (superusers see all).
EXPECTED = {
    MARKETING: ["address_changes", "deletion_requests"],
    SEMINARVERWALTUNG: [
        "registrations",
        "failed_mails",
        "confirm_events",
        "record_attendance",
        "certificates",
    ],
    AUSWERTUNG: ["purge"],
    None: [],
}
ALL = [
    "registrations",
    "address_changes",
    "deletion_requests",
    "failed_mails",
    "confirm_events",
    "record_attendance",
    "certificates",
    "purge",
]


@pytest.fixture(autouse=True)
def _clock():
    moment = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=BERLIN)
    with time_machine.travel(moment, tick=False):
        yield


def _day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def _work(copies: int = 1) -> None:
    """``copies`` items of every kind of open work, and rows that are no work."""
    for _ in range(copies):
        # Registrations: one waiting for review, one reviewed.
        RegistrationFactory(review=Registration.Review.PENDING)
        RegistrationFactory(review=Registration.Review.DONE)
        person = PersonFactory()
        AddressChange.objects.create(person=person, company=person.company, city="Essen")
        AddressChange.objects.create(
            person=person, company=person.company, city="Bonn", status="approved"
        )
        DeletionRequest.objects.create(person=PersonFactory(), username="x", reason="")
        DeletionRequest.objects.create(person=None, username="y", reason="", status="done")
        OutboxMail.objects.create(
            template="password_changed", to=["a@example.org"], status="failed"
        )
        OutboxMail.objects.create(template="password_changed", to=["b@example.org"], status="sent")
        # Events to confirm: starting today and in 14 days; not: in 15 days, already
        # confirmed, cancelled, or over.
        for offset, status in ((0, "published"), (14, "published")):
            EventFactory(first_day=_day(offset), last_day=_day(offset + 1), status=status)
        for offset, status in ((15, "published"), (3, "confirmed"), (3, "cancelled")):
            EventFactory(first_day=_day(offset), last_day=_day(offset + 1), status=status)
        # Over without attendance recorded (only confirmed participations).
        past = EventFactory(first_day=_day(-3), last_day=_day(-1), status="confirmed")
        ParticipationFactory(registration=RegistrationFactory(event=past), status="confirmed")
        # Over, attendance recorded, one attendee without a valid certificate (revoked).
        done = EventFactory(first_day=_day(-3), last_day=_day(-1), status="confirmed")
        registration = RegistrationFactory(event=done)
        ParticipationFactory(registration=registration, status="confirmed")  # absent
        attendee = ParticipationFactory(registration=registration, status="attended")
        CertificateFactory(participation=attendee, revoked_at=timezone.now())
        # Over and complete: attended with a valid certificate.
        complete = EventFactory(first_day=_day(-3), last_day=_day(-1), status="confirmed")
        CertificateFactory(
            participation=ParticipationFactory(
                registration=RegistrationFactory(event=complete), status="attended"
            )
        )
        # Still running (its last day is today): not over yet.
        running = EventFactory(first_day=_day(-1), last_day=_day(0), status="confirmed")
        ParticipationFactory(registration=RegistrationFactory(event=running), status="confirmed")
        # Due for the purge: a course document of an event long over.
        old = EventFactory(first_day=dt.date(2025, 1, 5), last_day=dt.date(2025, 1, 5))
        CourseDocumentFactory(event=old)


def _member(client, role):
    user = PersonFactory(is_staff=True, is_superuser=role == "superuser")
    if role not in (None, "superuser"):
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def _queue(response) -> list:
    return response.context["work_queue"]


@pytest.mark.parametrize("role", [*EXPECTED, "superuser"])
def test_each_role_sees_the_work_it_may_do(client, role):
    _work()
    _member(client, role)
    response = client.get(INDEX)
    assert response.status_code == 200
    keys = [item.key for item in _queue(response)]
    assert keys == (ALL if role == "superuser" else EXPECTED[role])
    html = response.content.decode()
    if keys:
        assert '<h2 id="work-queue-title">Zu erledigen</h2>' in html
    else:
        assert "work-queue" not in html


def test_counts_and_links_show_exactly_the_open_work(client):
    _work(copies=2)
    _member(client, "superuser")
    items = {item.key: item for item in _queue(client.get(INDEX))}
    expected = {
        "registrations": 2,
        "address_changes": 2,
        "deletion_requests": 2,
        "failed_mails": 2,
        "confirm_events": 4,
        "record_attendance": 2,
        "certificates": 2,
    }
    for key, count in expected.items():
        assert items[key].count == count, key
        # The link opens the list with exactly the counted rows.
        listed = client.get(items[key].url)
        assert listed.status_code == 200, items[key].url
        assert listed.context["cl"].result_count == count, key
    assert items["confirm_events"].text == (
        "4 Veranstaltungen beginnen in den nächsten 14 Tagen ohne Durchführungsbestätigung"
    )
    assert items["deletion_requests"].text == "2 offene Löschanträge"
    # The purge: what the retention preview lists for the next 30 days.
    purge = items["purge"]
    preview = client.get(purge.url)
    assert purge.count == sum(row["first"] + row["later"] for row in preview.context["rows"])
    assert purge.count >= 2  # the two course documents


def test_singular_texts(client):
    RegistrationFactory(review=Registration.Review.PENDING)
    EventFactory(first_day=_day(2), last_day=_day(2), status="published")
    _member(client, "superuser")
    items = {item.key: item for item in _queue(client.get(INDEX))}
    assert items["registrations"].text == "1 Anmeldung wartet auf Prüfung"
    assert items["confirm_events"].text == (
        "1 Veranstaltung beginnt in den nächsten 14 Tagen ohne Durchführungsbestätigung"
    )
    assert items["failed_mails"].text == "0 E-Mails fehlgeschlagen"


def test_event_conditions_at_the_boundaries():
    EventFactory(first_day=_day(14), last_day=_day(14), status="published")
    EventFactory(first_day=_day(15), last_day=_day(15), status="published")
    EventFactory(first_day=_day(-1), last_day=_day(-1), status="published")  # over, unconfirmed
    assert event_work_counts(today=TODAY) == {
        "bestaetigen": 1,
        "teilnahme": 0,
        "bescheinigungen": 0,
    }


def test_the_page_lists_the_queue_as_links(client):
    _work()
    _member(client, SEMINARVERWALTUNG)
    html = client.get(INDEX).content.decode()
    links = re.findall(
        r'<li class="work-(?:open|done)" data-work="(\w+)">\s*<a href="([^"]+)">', html
    )
    assert [key for key, _ in links] == EXPECTED[SEMINARVERWALTUNG]
    assert ("confirm_events", "/verwaltung/events/event/?zu_erledigen=bestaetigen") in [
        (key, url.replace("&amp;", "&")) for key, url in links
    ]


@pytest.mark.parametrize("role", [MARKETING, SEMINARVERWALTUNG, AUSWERTUNG, "superuser"])
def test_the_start_page_takes_a_fixed_number_of_queries(client, role):
    _member(client, role)
    client.get(INDEX)  # warm-up: session, permission cache
    _work()
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    _work(copies=5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(INDEX).status_code == 200
    assert len(many) == len(few)
    # The retention preview's counts are two queries per category; the rest one per entry.
    assert len(many) <= 35


def test_the_event_list_filter_matches_the_count(client):
    _work()
    _member(client, "superuser")
    counts = event_work_counts(today=TODAY)
    for kind, count in counts.items():
        response = client.get(reverse("admin:events_event_changelist"), {"zu_erledigen": kind})
        assert response.context["cl"].result_count == count
        listed = set(response.context["cl"].result_list.values_list("pk", flat=True))
        assert all(Event.objects.get(pk=pk).status != "cancelled" for pk in listed)
