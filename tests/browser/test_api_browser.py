"""The API's pages a person sees: a superuser creates an integration in the back office and
copies its token (shown once); the API reference page. Both checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from kundenportal.integrations.models import Integration
from kundenportal.integrations.services import token_digest
from tests.factories import PersonFactory

from .portal_steps import admin_log_in, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"


def test_a_superuser_creates_an_integration_and_copies_its_token(live_server, page: Page):
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    admin_log_in(page, live_server.url, "verwaltung", STAFF_PASSWORD)
    page.goto(live_server.url + "/verwaltung/integrations/integration/add/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Seminarverwaltung")
    page.get_by_label("Veranstaltungen lesen").check()
    page.get_by_label("Anmeldungen und Teilnahmen bearbeiten").check()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.get_by_text("Dieser Zugangsschlüssel wird nur jetzt angezeigt.")).to_be_visible()
    assert_accessible(page)
    token = page.get_by_label("Zugangsschlüssel").input_value()
    assert re.fullmatch(r"kp_[a-z2-7]{40}", token)
    integration = Integration.objects.get()
    assert integration.token_digest == token_digest(token)
    assert integration.scopes == ["events:read", "registrations:write"]
    page.get_by_role("link", name="Zurück zu den Schnittstellen").click()
    expect(page.get_by_role("link", name="Seminarverwaltung")).to_be_visible()
    assert token not in page.content()
    assert_accessible(page)
    page.goto(live_server.url + "/verwaltung/integrations/webhookdelivery/")
    assert_accessible(page)


def test_the_api_reference_page(live_server, page: Page):
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kundenportal API")
    expect(page.get_by_text("/api/v1/events/{number}/registrations").first).to_be_visible()
    assert_accessible(page)
