"""The back office's "Fachkunde läuft ab": counts per qualification and month, CSV and XLSX."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from kundenportal.audit.models import AuditEntry
from kundenportal.events.models import Event
from kundenportal.qualifications.selectors import qualification_expiry_overview
from kundenportal.registrations.models import Participation
from tests.factories import ParticipationFactory, PersonFactory, QualificationFactory

from .helpers import GRANTS, attended, course

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 20)


@pytest.fixture
def data():
    q = QualificationFactory(name="Fachkunde Abfallbeauftragte", refresh_months=24)
    # Lapse in January 2027: two people (courses ended in January 2025), one of them booked.
    a, b = PersonFactory(), PersonFactory()
    attended(a, q, dt.date(2025, 1, 31), GRANTS)
    attended(b, q, dt.date(2025, 1, 2), GRANTS)
    refresher = course(q, dt.date(2027, 1, 28), status=Event.Status.PUBLISHED)
    ParticipationFactory(
        event=refresher,
        registration__event=refresher,
        person=a,
        status=Participation.Status.CONFIRMED,
    )
    # March 2027: one, whose earlier course (March 2023) does not count twice.
    c = PersonFactory()
    attended(c, q, dt.date(2023, 3, 15), GRANTS)
    attended(c, q, dt.date(2025, 3, 15))
    # Already refreshed: a January 2025 course followed by a valid one later, not in January.
    d = PersonFactory()
    attended(d, q, dt.date(2025, 1, 10), GRANTS)
    attended(d, q, dt.date(2026, 6, 10))
    # A 29 February course with 12 months lapses on 28 February (still February).
    short = QualificationFactory(name="Sachkunde", refresh_months=12)
    attended(PersonFactory(), short, dt.date(2026, 2, 28), GRANTS)
    return {"q": q, "short": short}


def _counts(overview, name):
    entry = next(e for e in overview if e["qualification"].name == name)
    return {m["month"].strftime("%Y-%m"): (m["lapsing"], m["booked"]) for m in entry["months"]}


def test_counts_per_qualification_and_month(data):
    overview = qualification_expiry_overview(today=TODAY)
    counts = _counts(overview, "Fachkunde Abfallbeauftragte")
    assert len(counts) == 12 and next(iter(counts)) == "2027-01"
    assert counts["2027-01"] == (2, 1)
    assert counts["2027-03"] == (1, 0)
    assert counts["2027-06"] == (0, 0)
    assert _counts(overview, "Sachkunde")["2027-02"] == (1, 0)


def test_one_query_however_much_data(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        qualification_expiry_overview(today=TODAY)
    for i in range(30):
        attended(PersonFactory(), data["q"], dt.date(2025, 1 + i % 12, 1 + i % 27))
    with django_assert_max_num_queries(2):
        overview = qualification_expiry_overview(today=TODAY)
    assert sum(m["lapsing"] for m in overview[0]["months"]) > 30


def test_page_and_exports_for_staff(client, data):
    data["q"].name = '=HYPERLINK("http://x")'
    data["q"].save()
    with time_machine.travel(dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)):
        admin_client = client
        client.force_login(PersonFactory(is_staff=True, is_superuser=True))
        page = admin_client.get(reverse("admin:qualifications_qualificationexpiry_changelist"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Januar 2027" in html and "Fortbildung gebucht" in html
        response = admin_client.get(reverse("admin:qualifications_qualificationexpiry_csv"))
        body = response.content.decode()
        assert body.startswith("\ufeff")
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
        assert "'=HYPERLINK" in body
        assert "01/2027;2;1;1" in body
        response = admin_client.get(reverse("admin:qualifications_qualificationexpiry_xlsx"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.values)
        assert rows[0][3] == "Läuft ab (Personen)"
        first = next(r for r in rows if r[2] == "01/2027" and r[0].startswith("=HYPER"))
        assert first[3:] == (2, 1, 1)
        assert sheet["A2"].data_type == "s"
    assert (
        AuditEntry.objects.filter(action__startswith="qualifications.download_expiry").count() == 2
    )
