"""The audit log in the admin: read-only for everyone, filterable by person, staff member,
action and date; and every staff view of a list with personal data is itself in the log."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log, audit_search_hash
from kundenportal.backoffice.roles import AUSWERTUNG
from tests.factories import CertificateFactory, EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

LOG = "/verwaltung/audit/auditentry/"


@pytest.fixture
def boss(client):
    boss = PersonFactory(username="die.chefin", is_staff=True, is_superuser=True)
    client.force_login(boss)
    return boss


def _listed(client, query=""):
    """The entries the log lists, without those its own views wrote (see the last test) and
    the login of the fixture (pseudonymised login events, tests/portal/test_auth_events.py)."""
    response = client.get(LOG + query)
    assert response.status_code == 200
    return {
        e.pk
        for e in response.context["cl"].result_list
        if e.action != "admin.view" and not e.action.startswith("auth.")
    }


def test_superuser_cannot_add_change_or_delete_an_entry(client, boss):
    entry = audit_log(actor=boss, action="person.merge", object_label="Max Mustermann")
    assert client.get(LOG + "add/").status_code == 403
    assert client.post(LOG + "add/", {"action": "gefälscht"}).status_code == 403
    change = f"{LOG}{entry.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    assert client.post(change, {"action": "gefälscht", "object_label": "x"}).status_code == 403
    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        LOG, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert (entry.action, entry.object_label) == ("person.merge", "Max Mustermann")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_auswertung_reads_the_log_and_cannot_change_it(client):
    reader = PersonFactory(is_staff=True)
    reader.groups.add(Group.objects.get(name=AUSWERTUNG))
    entry = audit_log(actor=None, action="retention.purge")
    client.force_login(reader)
    assert client.get(LOG).status_code == 200
    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403


def test_filter_by_person_finds_entries_about_them_and_their_rows(client, boss):
    # No booker address bound: that writes an entry about the person of its own.
    participation = ParticipationFactory(bind_booker=False)
    person = participation.person
    certificate = CertificateFactory(participation=participation)
    about_person = audit_log(actor=boss, action="admin.change", obj=person)
    about_participation = audit_log(actor=boss, action="admin.change", obj=participation)
    about_certificate = audit_log(actor=boss, action="admin.add", obj=certificate)
    by_person = audit_log(actor=person, action="person.export")
    other = audit_log(actor=boss, action="admin.change", obj=PersonFactory())
    wanted = {about_person.pk, about_participation.pk, about_certificate.pk, by_person.pk}
    assert _listed(client, f"?person={person.username}") == wanted
    assert _listed(client, f"?person={person.pk}") == wanted
    assert other.pk not in _listed(client, f"?person={person.username.upper()}")
    assert _listed(client, "?person=gibt.es.nicht") == set()


def test_filter_by_staff_member_action_and_date(client, boss):
    clerk = PersonFactory(username="sach.bearbeiter", is_staff=True)
    by_clerk = audit_log(actor=clerk, action="person.merge")
    by_boss = audit_log(actor=boss, action="person.delete")
    by_system = audit_log(actor=None, action="retention.purge")
    old = audit_log(actor=clerk, action="person.merge")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    page = client.get(LOG).content.decode()
    assert "sach.bearbeiter" in page and "Person (Benutzername oder Nr.)" in page
    assert _listed(client, f"?mitarbeiter={clerk.pk}") == {by_clerk.pk, old.pk}
    assert _listed(client, "?mitarbeiter=system") == {by_system.pk}
    assert _listed(client, "?action=person.delete") == {by_boss.pk}
    today = timezone.localdate()
    on_the_day = _listed(
        client,
        f"?created_at__year={today.year}&created_at__month={today.month}"
        f"&created_at__day={today.day}",
    )
    assert on_the_day == {by_clerk.pk, by_boss.pk, by_system.pk}
    # "Letzte 7 Tage" of the date filter, as its link sends it (aware datetimes).
    week = next(
        choice["query_string"]
        for spec in client.get(LOG).context["cl"].filter_specs
        if getattr(spec, "field_path", "") == "created_at"
        for choice in spec.choices(client.get(LOG).context["cl"])
        if choice["display"] in ("Letzte 7 Tage", "Past 7 days")
    )
    assert old.pk not in _listed(client, week) and by_clerk.pk in _listed(client, week)
    # Filters combine, and the person filter keeps the others.
    assert _listed(client, f"?mitarbeiter={clerk.pk}&action=person.delete") == set()


PERSONAL_LISTS = [
    "accounts/person",
    "companies/company",
    "companies/addresschange",
    "registrations/registration",
    "registrations/participation",
    "documents/certificate",
    "privacy/deletionrequest",
    "notifications/outboxmail",
]


@pytest.mark.parametrize("path", PERSONAL_LISTS)
def test_every_view_of_a_personal_data_list_is_logged_once(client, boss, path):
    ParticipationFactory.create_batch(3)
    response = client.get(f"/verwaltung/{path}/?q=M%C3%BCller&p=0")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="admin.view")
    assert entry.actor == boss and entry.object_type == path.replace("/", ".")
    assert entry.data["count"] == response.context["cl"].result_count
    # The search is kept as a keyed hash (the log names nobody); the log's search finds it.
    assert entry.data["query"] == {} and "Müller" not in str(entry.data)
    assert entry.data["search_hash"] == {"q": audit_search_hash("müller")}
    assert entry in client.get(LOG + "?q=M%C3%BCLLER").context["cl"].result_list


def test_a_lists_filters_are_logged(client, boss):
    client.get("/verwaltung/registrations/participation/?status__exact=confirmed&o=2")
    entry = AuditEntry.objects.get(action="admin.view")
    assert entry.data["query"] == {"status__exact": "confirmed"}
    assert "search_hash" not in entry.data


def test_list_logging_costs_one_query_whatever_the_rows(client, boss):
    url = "/verwaltung/accounts/person/?q=teilnehmer"
    PersonFactory.create_batch(2)
    client.get(url)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    PersonFactory.create_batch(40)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert AuditEntry.objects.filter(action="admin.view").count() == 3


def test_pages_that_list_people_are_logged(client, boss):
    today = timezone.localdate()
    event = EventFactory(first_day=today - dt.timedelta(days=1), last_day=today)
    ParticipationFactory.create_batch(2, event=event, registration__event=event, status="confirmed")
    client.get(reverse("admin:events_event_attendance", args=[event.pk]))
    attendance = AuditEntry.objects.get(action="admin.view")
    assert attendance.data["page"] == "attendance" and attendance.data["event_id"] == event.pk
    assert attendance.data["count"] == 2
    a, b = PersonFactory(), PersonFactory()
    client.post(
        reverse("admin:accounts_person_merge"), {"usernames": f"{a.username}\n{b.username}"}
    )
    merge = AuditEntry.objects.get(action="admin.view", data__page="merge")
    assert sorted(merge.data["ids"]) == sorted([a.pk, b.pk])
    client.get(reverse("admin:retention_retentionschedule_changelist"))
    assert AuditEntry.objects.filter(
        action="admin.view", object_type="retention.retentionschedule"
    ).exists()


def test_reading_the_log_is_logged_without_naming_whom_it_was_filtered_for(client, boss):
    person = PersonFactory(username="anna.beispiel")
    client.get(f"{LOG}?person=anna.beispiel&action=admin.change")
    entry = AuditEntry.objects.get(action="admin.view", object_type="audit.auditentry")
    assert entry.actor == boss and "anna.beispiel" not in str(entry.data)
    assert entry.data["query"] == {"action": "admin.change"}
    assert entry.data["search_hash"] == {"person": audit_search_hash(person.username)}
    # Typing the username into the log's search finds who looked the person up.
    response = client.get(f"{LOG}?q=anna.beispiel")
    assert entry in response.context["cl"].result_list
