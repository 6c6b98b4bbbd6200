"""A NUL byte in an address is a 404 on SQLite and PostgreSQL alike (PostgreSQL refuses it
in a query; without the middleware that was a 500). Run with DATABASE_URL for PostgreSQL."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/veranstaltungen/%00/",
    "/veranstaltungen/S-%0027/",
    "/veranstaltungen/%00/anmelden/",
    "/veranstaltungen/%00/anmelden/adresse/",
    "/veranstaltungen/%00/anmelden/abschluss/",
    "/veranstaltungen/%00/anmelden/danke/",
    "/bescheinigung/pruefen/%00/",
    "/portal/passwort-vergessen/%00/%00/",
    "/?q=%00",
    "/?%00=1",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls_with_nul_are_not_found(client, url):
    EventFactory()
    assert client.get(url).status_code == 404


def test_portal_and_admin_urls_with_nul_are_not_found(client):
    event = EventFactory()
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    for url in (
        "/portal/dokumente/online/%00/",
        "/verwaltung/accounts/person/%00/change/",
        "/verwaltung/events/event/%00/change/",
        f"/verwaltung/events/event/{event.pk}%00/teilnahme/",
        "/verwaltung/accounts/person/?q=%00",
        "/verwaltung/audit/auditentry/?q=ab%00c",
    ):
        assert client.get(url).status_code == 404, url


def test_ordinary_urls_still_work(client):
    event = EventFactory()
    assert client.get(reverse("events:detail", args=[event.number])).status_code == 200
    assert client.get("/?q=Wasser").status_code == 200
