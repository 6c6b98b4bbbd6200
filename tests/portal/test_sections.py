import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kundenportal.documents.models import CourseDocument
from kundenportal.registrations.models import Participation
from tests.factories import (
    CompanyFactory,
    OnlineLinkFactory,
    PersonFactory,
    portal_history_create,
)

pytestmark = pytest.mark.django_db

SECTIONS = {
    "portal:participations": "Meine Teilnahmen",
    "portal:course_documents": "Meine Veranstaltungsunterlagen",
    "portal:documents": "Meine Dokumente",
    "portal:data": "Meine Daten",
}


def _page(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("name", "heading"), SECTIONS.items())
def test_sections_have_their_faq_names_and_helpful_empty_states(client, other, name, heading):
    client.force_login(other)
    html = _page(client, name)
    assert f"<h1>{heading}</h1>" in html
    for title in SECTIONS.values():  # the navigation names all four
        assert title in html
    if name != "portal:data":
        assert 'class="empty"' in html


def test_sections_show_the_participants_things_with_german_dates(client, participant, owned):
    client.force_login(participant)
    attended = owned["attended"].event
    html = _page(client, "portal:participations")
    assert attended.title in html
    assert attended.last_day.strftime("%d.%m.%Y") in html

    html = _page(client, "portal:course_documents")
    document = owned["document"]
    until = (document.event.last_day + dt.timedelta(days=42)).strftime("%d.%m.%Y")
    assert document.title in html
    assert f"online bis {until}" in html
    assert reverse("portal:participation_calendar", args=[owned["participation"].pk]) in html

    html = _page(client, "portal:documents")
    certificate = owned["certificate"]
    assert reverse("portal:certificate_download", args=[certificate.pk]) in html
    assert "noch 10 Jahre" in html
    assert reverse("portal:online_link_open", args=[owned["link"].pk]) in html


def test_online_links_are_read_only_when_there_are_some(client, participant, owned):
    link_url = reverse("portal:online_link_open", args=[owned["link"].pk])
    client.force_login(participant)
    client.get(reverse("portal:documents"))  # the session cache warm, as for a real visitor
    with CaptureQueriesContext(connection) as with_links:
        assert link_url in _page(client, "portal:documents")
    owned["link"].delete()
    with CaptureQueriesContext(connection) as without_links:
        assert "Zugangslinks zu Ihren gebuchten Online-Schulungen" in _page(
            client, "portal:documents"
        )
    # The certificate rows said there are no links: their query is left out.
    assert len(without_links) == len(with_links) - 1
    # Without a certificate row to ask, the links are read.
    owned["certificate"].delete()
    other = OnlineLinkFactory(event=owned["participation"].event)
    html = _page(client, "portal:documents")
    assert reverse("portal:online_link_open", args=[other.pk]) in html


def test_an_online_link_names_its_event_without_a_double_colon(client, participant, owned):
    event = owned["participation"].event
    event.title = "Online-Seminar: Abwasserrecht kompakt"
    event.save()
    client.force_login(participant)
    html = _page(client, "portal:documents")
    assert f"{owned['link'].title} für „Online-Seminar: Abwasserrecht kompakt“" in html
    assert f"{owned['link'].title}: Online-Seminar" not in html


def test_documents_disappear_after_42_days_even_before_the_purge(client, participant, owned):
    client.force_login(participant)
    document = owned["document"]
    last_day = document.event.last_day
    owned["participation"].status = Participation.Status.ATTENDED
    owned["participation"].save()
    url = reverse("portal:course_document_download", args=[document.pk])
    with time_machine.travel(last_day + dt.timedelta(days=42, hours=12)):
        client.force_login(participant)
        assert document.title in _page(client, "portal:course_documents")
        assert client.get(url).status_code == 200
    with time_machine.travel(last_day + dt.timedelta(days=43, hours=12)):
        client.force_login(participant)
        assert document.title not in _page(client, "portal:course_documents")
        assert client.get(url).status_code == 404
        assert "Zugang zur Online-Schulung" not in _page(client, "portal:documents")
    assert CourseDocument.objects.filter(pk=document.pk).exists()


def test_certificate_remaining_years_and_ten_year_limit(client, participant, owned):
    client.force_login(participant)
    certificate = owned["certificate"]
    url = reverse("portal:certificate_download", args=[certificate.pk])
    issued = certificate.issued_on
    with time_machine.travel(issued.replace(year=issued.year + 9) + dt.timedelta(days=40)):
        client.force_login(participant)
        html = _page(client, "portal:documents")
        assert "noch unter 1 Jahr" in html
    with time_machine.travel(issued.replace(year=issued.year + 10) + dt.timedelta(days=2)):
        client.force_login(participant)
        assert client.get(url).status_code == 404
        assert "Noch keine Bescheinigung" in _page(client, "portal:documents")


def test_meine_daten_shows_read_only_data_and_the_faq_notes(client, participant):
    participant.company = CompanyFactory(
        name="Stadtwerke Görlitz", street="Demianiplatz 23", postal_code="02826", city="Görlitz"
    )
    participant.save()
    client.force_login(participant)
    html = _page(client, "portal:data")
    for text in (
        "max.mustermann",
        "Max Mustermann",
        participant.email,
        "Stadtwerke Görlitz",
        "Demianiplatz 23",
        "02826 Görlitz",
        "verwaltet BEW für Sie",
        "telefonisch im Marketing",
        "Meine Daten herunterladen",
        "Konto löschen beantragen",
        "Passwort ändern",
    ):
        assert text in html, text
    # Read-only: no form field for company or address.
    assert 'name="street"' not in html and 'name="company"' not in html


def test_long_lists_are_paginated_by_25(client, participant):
    portal_history_create(participant, participations=30, documents_per_event=0, certificates=30)
    client.force_login(participant)
    html = _page(client, "portal:participations")
    assert html.count("<tr>") == 25 + 1
    assert "Seite 1 von 2" in html
    html = _page(client, "portal:participations", seite=2)
    assert html.count("<tr>") == 5 + 1
    assert "Seite 1 von 2" in _page(client, "portal:documents")


# --- Query counts with ten years of history ---------------------------------------------------


@pytest.mark.parametrize("name", [*SECTIONS, "portal:home"])
def test_each_section_renders_in_a_fixed_number_of_queries(
    client, participant, name, django_assert_num_queries
):
    small = PersonFactory()
    portal_history_create(
        small, participations=3, documents_per_event=1, certificates=3, upcoming=2
    )
    portal_history_create(participant)  # 300 participations, 640 documents, 300 certificates
    assert CourseDocument.objects.filter(event__participations__person=participant).count() >= 600

    client.force_login(small)
    client.get(reverse(name))  # warm the session cache like a real second request
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(reverse(name)).status_code == 200
    # Counted now: the next request resets the connection's query log.
    expected = len(small_queries)
    client.force_login(participant)
    client.get(reverse(name))  # warm the session cache like a real second request
    with django_assert_num_queries(expected):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert expected <= 8


def test_titles_and_file_names_are_escaped(client, participant, owned):
    evil = '<script>alert("x")</script>'
    for obj in (owned["participation"].event, owned["attended"].event):
        obj.title = evil
        obj.save()
    owned["document"].filename = evil + ".pdf"
    owned["document"].save()
    client.force_login(participant)
    for name in ("portal:participations", "portal:course_documents", "portal:documents"):
        html = _page(client, name)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
