import re

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


def _serious_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_catalogue_and_detail_have_no_serious_accessibility_violations(live_server, page: Page):
    event = EventFactory(title="Arbeitssicherheit auf Kläranlagen")
    EventFactory(capacity=0, title="Ausgebucht")

    page.goto(live_server.url + "/")
    assert _serious_violations(page) == []

    page.goto(live_server.url + f"/veranstaltungen/{event.number}/")
    assert _serious_violations(page) == []

    # The public certificate check, with a wrong code (the error state).
    page.get_by_role("link", name="Bescheinigung prüfen").click()
    page.get_by_label("Prüfcode der Bescheinigung").fill("ABCD-EFGH")
    page.get_by_role("button", name="Prüfen").click()
    expect(page.locator(".errorlist")).to_contain_text("keine gültige Bescheinigung")
    expect(page.get_by_label("Prüfcode der Bescheinigung")).to_have_value("ABCD-EFGH")
    assert _serious_violations(page) == []


def test_catalogue_works_with_keyboard_alone(live_server, page: Page):
    EventFactory(title="Gefährdungsbeurteilung im Kanalbetrieb")
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    # Search field, format, button, then the event link.
    page.get_by_label("Suche nach Titel oder Nummer").focus()
    page.keyboard.type("Kanal")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?q=Kanal&format="))
    page.get_by_role("link", name="Gefährdungsbeurteilung im Kanalbetrieb").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gefährdungsbeurteilung im Kanalbetrieb"
    )
