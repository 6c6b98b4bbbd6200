"""The whole story a participant lives through, in Chromium and through a real SMTP server:
register for an event → staff confirm it in the admin → the credentials arrive by mail →
first login with the initial password → forced change → the event and its document in the
portal → download → log out."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kundenportal.notifications.delivery import outbox_process
from tests.confirmations.test_confirm import credentials_in
from tests.factories import CourseDocumentFactory, EventFactory, PersonFactory

from .portal_steps import admin_log_in, first_login_with_forced_change, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"
OWN_PASSWORD = "Regenrückhaltebecken-7"


def test_register_confirm_mail_first_login_document_logout(
    live_server, settings, page: Page, smtp_server
):
    settings.SITE_URL = live_server.url
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    event = EventFactory(title="Arbeitssicherheit auf Kläranlagen", capacity=12)
    CourseDocumentFactory(
        event=event, title="Skript Arbeitssicherheit", filename="Skript Arbeitssicherheit Größe.pdf"
    )

    # 1. A participant registers herself in the public form.
    page.goto(f"{live_server.url}/veranstaltungen/{event.number}/")
    page.get_by_role("link", name="Jetzt anmelden").click()
    page.select_option("#id_p-0-salutation", label="Frau")
    page.fill("#id_p-0-first_name", "Özlem")
    page.fill("#id_p-0-last_name", "Yıldız")
    page.fill("#id_correspondence_email", "oezlem.yildiz@eb-mg.example")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    page.locator("#id_company_name").fill("Entsorgungsbetriebe Mönchengladbach AöR")
    page.get_by_label("Straße und Hausnummer").fill("Rheinstraße 112")
    page.get_by_label("PLZ").fill("41065")
    page.get_by_label("Ort").fill("Mönchengladbach")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()
    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").check()
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")

    # The receipt goes out at once and carries no credentials.
    assert outbox_process().sent == 1
    receipt = smtp_server.received[-1]
    assert receipt.rcpt_tos == ["oezlem.yildiz@eb-mg.example"]
    assert "Initialpasswort" not in receipt.text

    # 2. Staff confirm the event in the admin.
    admin_log_in(page, live_server.url, "verwaltung", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/verwaltung/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Durchführung bestätigen").click()
    page.get_by_role("button", name="Ja, Durchführung bestätigen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Bestätigung mit Zugangsdaten")
    page.context.clear_cookies()

    # 3. The Durchführungsbestätigung arrives with username and initial password.
    assert outbox_process().sent == 1
    confirmation = smtp_server.received[-1]
    assert confirmation.rcpt_tos == ["oezlem.yildiz@eb-mg.example"]
    assert "Arbeitssicherheit auf Kläranlagen" in confirmation.text
    username, initial_password = credentials_in(confirmation.text)
    assert username == "oezlem.yildiz"
    assert initial_password

    # 4. First login: only "Passwort ändern" opens until an own password is chosen.
    first_login_with_forced_change(
        page, live_server.url, username.upper(), initial_password, OWN_PASSWORD
    )

    # 5. The booked event and its document are in the portal; the file downloads.
    page.get_by_role("link", name="Meine Veranstaltungsunterlagen").first.click()
    expect(
        page.get_by_role("heading", level=2, name="Arbeitssicherheit auf Kläranlagen")
    ).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Skript Arbeitssicherheit").click()
    assert info.value.suggested_filename == "Skript Arbeitssicherheit Größe.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    # 6. Log out; the portal is closed again, and the initial password no longer opens it.
    log_out(page)
    page.goto(f"{live_server.url}/portal/unterlagen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden im Kundenportal")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(initial_password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden im Kundenportal")
