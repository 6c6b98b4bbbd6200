"""The public certificate check page behind the QR code."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kundenportal.documents.models import new_verification_code
from tests.factories import CertificateFactory, CompanyFactory, EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    person = PersonFactory(
        first_name="Jürgen",
        last_name="Größe",
        title="Dr.",
        username="juergen.groesse",
        email="j.groesse@stadtwerke.example",
        company=CompanyFactory(name="Stadtwerke Görlitz Wasser GmbH"),
    )
    event = EventFactory(
        number="W-2301",
        title="Abwassermeister-Vorbereitung, Modul 3",
        first_day=dt.date(2026, 3, 2),
        last_day=dt.date(2026, 3, 4),
    )
    return CertificateFactory(
        participation__person=person,
        participation__registration__event=event,
        participation__registration__correspondence_email="personal@stadtwerke.example",
        issued_on=dt.date(2026, 3, 5),
    )


def test_a_valid_code_shows_name_event_and_date_only(client, certificate):
    url = reverse("documents:certificate_check", args=[certificate.verification_code])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "Bescheinigung geprüft",
        "Dr. Jürgen Größe",
        "Abwassermeister-Vorbereitung, Modul 3",
        "02.03.2026 bis 04.03.2026",
        "05.03.2026",
    ):
        assert shown in html, shown
    for hidden in (
        "juergen.groesse",
        "j.groesse@stadtwerke.example",
        "personal@stadtwerke.example",
        "Stadtwerke Görlitz",
        "W-2301",
        certificate.filename,
        "/portal/dokumente/",
    ):
        assert hidden not in html, hidden
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_code_as_printed_in_groups_works_too(client, certificate):
    code = certificate.verification_code
    grouped = "-".join(code[i : i + 4] for i in range(0, 24, 4)).lower()
    assert client.get(f"/bescheinigung/pruefen/{grouped}/").status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "unknown",
        "A" * 24,
        "0" * 24,  # not in the alphabet
        "A" * 200,
        "' OR 1=1 --",
    ],
)
def test_unknown_or_malformed_codes_are_404(client, certificate, code):
    response = client.get(f"/bescheinigung/pruefen/{code}/")
    assert response.status_code == 404
    assert "Jürgen" not in response.content.decode()


def test_no_enumeration_a_new_random_code_finds_nothing(client, certificate):
    for _ in range(20):
        code = new_verification_code()
        assert client.get(reverse("documents:certificate_check", args=[code])).status_code == 404
    # Near misses too: one character changed.
    code = certificate.verification_code
    near = ("B" if code[0] != "B" else "C") + code[1:]
    assert client.get(reverse("documents:certificate_check", args=[near])).status_code == 404


def test_an_expired_certificate_is_not_confirmed(client, certificate, time_machine):
    url = reverse("documents:certificate_check", args=[certificate.verification_code])
    time_machine.move_to(dt.datetime(2036, 3, 5, 12, tzinfo=dt.UTC))
    assert timezone.localdate() == dt.date(2036, 3, 5)
    assert client.get(url).status_code == 200
    time_machine.move_to(dt.datetime(2036, 3, 6, 12, tzinfo=dt.UTC))
    assert client.get(url).status_code == 404


def test_only_get(client, certificate):
    url = reverse("documents:certificate_check", args=[certificate.verification_code])
    assert client.post(url).status_code == 405


def test_the_code_can_be_typed_in_a_form(client, certificate):
    url = reverse("documents:certificate_check_form")
    page = client.get(url)
    assert page.status_code == 200
    assert "Prüfcode der Bescheinigung" in page.content.decode()

    # As printed: in groups, lower case, with spaces around.
    code = certificate.verification_code
    typed = " " + "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower() + " "
    response = client.get(url, {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:certificate_check", args=[code])
    assert "Jürgen Größe" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("typed", ["", "ABC", "Z" * 24, "ÄÖÜ-😀", "x" * 200])
def test_an_unknown_or_malformed_code_gets_one_german_answer_and_keeps_the_input(
    client, certificate, typed
):
    response = client.get(reverse("documents:certificate_check_form"), {"code": typed})
    assert response.status_code == 200
    page = response.content.decode()
    if typed:
        assert "keine gültige Bescheinigung" in page or "höchstens 64 Zeichen" in page
        assert 'aria-invalid="true"' in page
    else:
        assert "Dieses Feld ist zwingend erforderlich." in page
    assert "Jürgen" not in page


def test_an_expired_certificate_is_not_confirmed_by_the_form(client, certificate):
    with time_machine.travel(dt.date(2036, 3, 6)):
        response = client.get(
            reverse("documents:certificate_check_form"),
            {"code": certificate.verification_code},
        )
    assert response.status_code == 200
    assert "keine gültige Bescheinigung" in response.content.decode()
