import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kundenportal.privacy.register import active_policies
from kundenportal.retention.models import RetentionSchedule
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    PersonFactory,
)

D = dt.date
pytestmark = pytest.mark.django_db
URL = "admin:retention_retentionschedule_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


def _data(n):
    """``n`` course documents due at the next run and ``n`` certificates due within 30 days."""
    event = EventFactory(first_day=D(2026, 1, 5), last_day=D(2026, 1, 5))
    CourseDocumentFactory.create_batch(n, event=event)
    for i in range(n):
        issued = D(2016, 3, 5) + dt.timedelta(days=i % 20)
        CertificateFactory(
            issued_on=issued,
            participation__registration__event__first_day=issued,
            participation__registration__event__last_day=issued,
        )


def test_admin_index_links_the_page(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert reverse(URL) in response.content.decode()
    assert "Aufbewahrung: Was als Nächstes gelöscht wird" in response.content.decode()


def test_page_shows_next_run_and_30_days(staff_client, at):
    _data(3)
    with at(D(2026, 3, 1), hour=12):
        response = staff_client.get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nächster Lauf: <strong>02.03.2026 03:00 Uhr</strong>" in html
    # The next run deletes the three course documents, and names them.
    assert "Skript Teil" in html
    rows = response.context["rows"]
    by_label = {str(row["label"]): row for row in rows}
    assert by_label["Veranstaltungsunterlagen"]["first"] == 3
    assert by_label["Bescheinigungen"]["first"] == 0
    assert by_label["Bescheinigungen"]["later"] == 3
    assert len(response.context["days"]) == 30
    assert response.context["days"][0]["day"] == D(2026, 3, 2)


def test_only_the_first_20_are_named(staff_client, at):
    _data(25)
    with at(D(2026, 3, 1), hour=12):
        response = staff_client.get(reverse(URL))
    row = next(r for r in response.context["rows"] if str(r["label"]) == "Veranstaltungsunterlagen")
    assert len(row["samples"]) == 20
    assert row["more"] == 5
    assert "… und 5 weitere" in response.content.decode()


def test_query_count_does_not_grow_with_data(staff_client, at):
    with at(D(2026, 3, 1), hour=12):
        staff_client.get(reverse(URL))  # warm-up (session, permissions cache)
        with CaptureQueriesContext(connection) as few:
            staff_client.get(reverse(URL))
        _data(40)
        with CaptureQueriesContext(connection) as many:
            response = staff_client.get(reverse(URL))
    assert response.status_code == 200
    assert len(many) == len(few)
    # Two counts per category in the schedule (the first run, the later days), one count per
    # technical category (not scheduled), one sample query per described category, and the
    # page's own (session, user, state, audit).
    scheduled = [policy for policy, _model in active_policies() if policy.in_schedule]
    technical = [policy for policy, _model in active_policies() if not policy.in_schedule]
    described = [policy for policy, _model in active_policies() if policy.describe]
    assert len(many) <= 2 * len(scheduled) + len(technical) + len(described) + 7


def test_participants_and_anonymous_visitors_cannot_open_it(client):
    url = reverse(URL)
    assert client.get(url).status_code == 302
    client.force_login(PersonFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert "/verwaltung/login/" in response["Location"]


def test_staff_without_permission_is_refused(client):
    client.force_login(PersonFactory(is_staff=True))
    assert client.get(reverse(URL)).status_code == 403
    # There are no objects to add, change or delete.
    assert RetentionSchedule._meta.proxy
