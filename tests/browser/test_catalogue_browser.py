import pytest
from playwright.sync_api import Page, expect

from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_opens_catalogue_and_event_detail(live_server, page: Page):
    EventFactory(title="Betriebsbeauftragte/r für Abfall – Grundlehrgang", place="Essen")
    EventFactory(title="Online-Seminar: Neue Trinkwasserverordnung", format="online", place="")

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsere Veranstaltungen")
    expect(page.get_by_role("row")).to_have_count(3)

    page.get_by_role("link", name="Betriebsbeauftragte/r für Abfall – Grundlehrgang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Betriebsbeauftragte/r für Abfall – Grundlehrgang"
    )
    expect(page.locator(".facts")).to_contain_text("Essen")
    page.get_by_role("link", name="Alle Veranstaltungen").click()
    expect(page).to_have_url(live_server.url + "/")
