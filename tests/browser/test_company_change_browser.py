"""The company change from the FAQ in Chromium: "Behalte ich mein Konto, wenn ich die Firma
gewechselt habe? Ja, wenn Sie uns dies bei Ihrer nächsten Anmeldung über das Bemerkungsfeld im
Anmeldeschritt 3 mitteilen." A participant books at his new employer with the remark → staff
attach the booking to his account, compare old and new data side by side and confirm → the
Durchführungsbestätigung brings the access data → "Meine Daten" shows the new employer."""

import pytest
from playwright.sync_api import Page, expect

from kundenportal.notifications.delivery import outbox_process
from kundenportal.registrations.models import Participation, Registration
from tests.confirmations.test_confirm import credentials_in
from tests.factories import CompanyFactory, EventFactory, ParticipationFactory, PersonFactory

from .portal_steps import admin_log_in, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"
OWN_PASSWORD = "Regenrückhaltebecken-7"
REMARK = "Firmenwechsel, bisheriger Benutzername max.mustermann"


def test_company_change_from_booking_with_remark_to_my_data(
    live_server, settings, page: Page, smtp_server
):
    settings.SITE_URL = live_server.url
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    old_company = CompanyFactory(name="Stadtwerke Essen")
    max_ = PersonFactory(
        username="max.mustermann",
        first_name="Max",
        last_name="Mustermann",
        email="m.mustermann@stadtwerke-essen.example",
        company=old_company,
        street="Rüttenscheider Str. 1",
        postal_code="45128",
        city="Essen",
        password=OWN_PASSWORD,
    )
    past = ParticipationFactory(person=max_, status=Participation.Status.ATTENDED)
    event = EventFactory(title="Fachkunde Abwasser", capacity=12)

    # 1. Max books himself at his new employer and says so in step 3.
    page.goto(f"{live_server.url}/veranstaltungen/{event.number}/anmelden/")
    page.fill("#id_p-0-first_name", "Max")
    page.fill("#id_p-0-last_name", "Mustermann")
    page.fill("#id_p-0-email", "max@klaerwerk-nord.example")
    page.fill("#id_correspondence_email", "weiterbildung@klaerwerk-nord.example")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    page.locator("#id_company_name").fill("Klärwerk Nord GmbH")
    page.get_by_label("Straße und Hausnummer").fill("Uferweg 7")
    page.get_by_label("PLZ").fill("47051")
    page.get_by_label("Ort").fill("Duisburg")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()
    remarks = page.get_by_label("Bemerkungen")
    # Step 3 says that a remark holds the access data back until it has been read.
    expect(page.locator("#id_remarks_helptext")).to_contain_text(
        "Die Zugangsdaten zum Kundenportal versenden wir erst, wenn wir Ihre Bemerkung gelesen"
    )
    assert_accessible(page)
    remarks.fill(REMARK)
    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").check()
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    assert_accessible(page)
    registration = Registration.objects.get(event=event)
    assert registration.review == Registration.Review.PENDING
    outbox_process()  # the receipt
    page.context.clear_cookies()

    # 2. Staff attach the booking to Max's account and compare before they confirm.
    admin_log_in(page, live_server.url, "verwaltung", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/verwaltung/registrations/registration/{registration.pk}/change/")
    page.get_by_role("link", name="Einem bestehenden Konto zuordnen").click()
    expect(page.get_by_text(REMARK)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Benutzername des bestehenden Kontos").fill("max.mustermann")
    page.get_by_role("button", name="Zuordnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Firmenwechsel bestätigen")
    table = page.locator("table.address-review")
    firma = table.get_by_role("row", name="Firma")
    expect(firma).to_contain_text("Stadtwerke Essen")
    expect(firma).to_contain_text("Klärwerk Nord GmbH (geändert)")
    expect(table.get_by_role("row", name="Ort")).to_contain_text("Duisburg (geändert)")
    assert_accessible(page)
    page.get_by_role("button", name="Firmenwechsel bestätigen und zuordnen").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Die Teilnahme gehört jetzt zum Konto max.mustermann."
    )
    expect(page.locator(".messagelist")).to_contain_text(
        "Das Konto hat die Firma und die Anschrift der Anmeldung übernommen."
    )

    # 3. The Durchführungsbestätigung goes out as usual, with Max's username.
    page.goto(f"{live_server.url}/verwaltung/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Durchführung bestätigen").click()
    page.get_by_role("button", name="Ja, Durchführung bestätigen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Bestätigung mit Zugangsdaten")
    page.context.clear_cookies()
    assert outbox_process().sent == 1
    confirmation = smtp_server.received[-1]
    assert set(confirmation.rcpt_tos) == {
        "weiterbildung@klaerwerk-nord.example",
        "max@klaerwerk-nord.example",
    }
    username, password = credentials_in(confirmation.text)
    assert username == "max.mustermann"
    assert password is None  # his own password still applies

    # 4. "Meine Daten" shows the new employer; the past course keeps the old one.
    log_in(page, live_server.url, "max.mustermann", OWN_PASSWORD)
    page.get_by_role("link", name="Meine Daten").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Daten")
    facts = page.locator("dl.facts").nth(1)
    expect(facts).to_contain_text("Klärwerk Nord GmbH")
    expect(facts).not_to_contain_text("Stadtwerke Essen")
    expect(page.locator("dl.facts").first).to_contain_text("max@klaerwerk-nord.example")
    assert_accessible(page)
    past.refresh_from_db()
    assert past.company == old_company
