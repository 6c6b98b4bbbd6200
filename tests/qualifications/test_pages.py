"""What participants and the public see of a qualification: "Meine Dokumente", the
certificate PDF and the public check page."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kundenportal.core.formatting import date_text
from kundenportal.documents.models import Certificate
from kundenportal.documents.rules import qualification_valid_until
from kundenportal.documents.services import certificates_generate
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    QualificationFactory,
    portal_history_create,
)

from .helpers import GRANTS, attended, course

pytestmark = pytest.mark.django_db


def _page(client, person):
    client.force_login(person)
    response = client.get(reverse("portal:documents"))
    assert response.status_code == 200
    return response.content.decode()


def test_meine_dokumente_shows_each_state_and_the_next_dates(client):
    person = PersonFactory()
    today = timezone.localdate()
    valid = QualificationFactory(name="Sachkunde Trinkwasserhygiene", legal_basis="VDI 6023")
    expiring = QualificationFactory(
        name="Fachkunde Abfallbeauftragte", legal_basis="§ 9 AbfBeauftrV"
    )
    lapsed = QualificationFactory(name="Fachkunde Entsorgungsfachbetriebe", legal_basis="EfbV")
    valid_course = attended(person, valid, today - dt.timedelta(days=10), GRANTS)
    expiring_course = attended(person, expiring, today - dt.timedelta(days=700), GRANTS)
    lapsed_course = attended(person, lapsed, today - dt.timedelta(days=800), GRANTS)
    refresher = course(expiring, today + dt.timedelta(days=20), status=Event.Status.PUBLISHED)

    html = _page(client, person)
    assert "Meine Fachkunde" in html
    assert "Sachkunde Trinkwasserhygiene" in html and "(VDI 6023)" in html

    def until(c):
        return qualification_valid_until(last_day=c.participation.event.last_day, refresh_months=24)

    assert f"gültig bis {date_text(until(valid_course))}" in html
    left = (until(expiring_course) - today).days
    assert f"gültig bis {date_text(until(expiring_course))} – läuft in {left} Tagen ab" in html
    lapsed_since = until(lapsed_course) + dt.timedelta(days=1)
    assert f"abgelaufen seit {date_text(lapsed_since)}" in html
    booking = reverse("registrations:start", args=[refresher.number])
    assert f'href="{booking}?vorbelegung=konto"' in html


def test_a_booked_refresher_is_shown_instead_of_the_dates(client):
    person = PersonFactory()
    today = timezone.localdate()
    q = QualificationFactory()
    attended(person, q, today - dt.timedelta(days=700), GRANTS)
    refresher = course(q, today + dt.timedelta(days=20), status=Event.Status.PUBLISHED)
    ParticipationFactory(
        event=refresher,
        registration__event=refresher,
        person=person,
        status=Participation.Status.REGISTERED,
    )
    html = _page(client, person)
    assert "Gebuchte Fortbildung" in html and refresher.number in html
    assert reverse("registrations:start", args=[refresher.number]) not in html


def test_meine_dokumente_keeps_its_query_count_with_qualifications(client):
    today = timezone.localdate()
    small, large = PersonFactory(), PersonFactory()
    portal_history_create(
        small, participations=2, documents_per_event=1, certificates=2, upcoming=1
    )
    portal_history_create(large)  # 300 certificates without a qualification
    q = QualificationFactory()
    attended(small, q, today - dt.timedelta(days=30), GRANTS)
    course(q, today + dt.timedelta(days=9), status=Event.Status.PUBLISHED)
    for i in range(6):
        other = QualificationFactory()
        for j in range(8):
            attended(large, other, today - dt.timedelta(days=90 * j + i + 1))
            course(other, today + dt.timedelta(days=j + 3), status=Event.Status.PUBLISHED)
    _page(client, small)
    with CaptureQueriesContext(connection) as queries:
        _page(client, small)
    expected = len(queries)
    _page(client, large)
    with CaptureQueriesContext(connection) as large_queries:
        html = _page(client, large)
    assert len(large_queries) <= expected
    assert html.count('class="badge') == 6
    assert html.count(">Anmelden<") == 6 * 3


def test_the_certificate_pdf_and_the_check_page_say_until_when(client):
    q = QualificationFactory(name="Fachkunde Abfallbeauftragte", legal_basis="§ 9 AbfBeauftrV")
    event = course(q, dt.date(2024, 2, 29), GRANTS)
    participation = ParticipationFactory(
        event=event, registration__event=event, status=Participation.Status.ATTENDED
    )
    assert certificates_generate(event=event, issued_on=dt.date(2024, 3, 1)).created == 1
    certificate = Certificate.objects.get(participation=participation)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(certificate.file.read())).pages
    )
    assert "Fachkunde gültig bis 28.02.2026" in " ".join(text.split())
    assert "Grundlehrgang" in text

    page = client.get(
        reverse("documents:certificate_check", args=[certificate.verification_code])
    ).content.decode()
    assert "Fachkunde gültig bis 28.02.2026" in page
    assert "Grundlehrgang zur Fachkunde „Fachkunde Abfallbeauftragte (§ 9 AbfBeauftrV)“" in page
    # Nothing more personal than before: a later refresher of the person does not show.
    attended(participation.person, q, dt.date(2025, 6, 30))
    page = client.get(
        reverse("documents:certificate_check", args=[certificate.verification_code])
    ).content.decode()
    assert "2027" not in page
    # A revoked certificate proves nothing.
    certificate.revoked_at = timezone.now()
    certificate.save()
    page = client.get(
        reverse("documents:certificate_check", args=[certificate.verification_code])
    ).content.decode()
    assert "Fachkunde gültig bis" not in page
