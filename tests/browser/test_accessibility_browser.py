"""Every public and portal page, with its error states and notices, at 1280 px and 320 px:
axe-core finds no violation of any impact, nothing scrolls sideways, header and footer span
the width. And the booking and the portal work with the keyboard alone, focus always visible."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
)

from .checks import check_at_both_widths
from .portal_steps import log_in, reset_link_from_outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Regenrückhaltebecken-7"
LONG_EMAIL = "dr.annemarie.mustermann-schulze-oberhausen@stadtentwaesserungsbetriebe-nrw.example"


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def _book(person, event, status):
    return ParticipationFactory(
        person=person, event=event, registration__event=event, status=status
    )


def test_public_pages_and_every_registration_step(site, page: Page):
    today = timezone.localdate()
    event = EventFactory(
        title="Online-Seminar: Fachkunde Kanalreinigung und -inspektion nach DIN 1986-30",
        first_day=today + dt.timedelta(days=30),
        last_day=today + dt.timedelta(days=31),
        capacity=10,
    )
    certificate = CertificateFactory()
    problems: list[str] = []

    page.goto(site + "/")
    problems += check_at_both_widths(page, "Katalog")
    page.goto(f"{site}/veranstaltungen/{event.number}/")
    problems += check_at_both_widths(page, "Veranstaltung")

    page.get_by_role("link", name="Jetzt anmelden").click()
    # 390 px too: a common phone's width.
    problems += check_at_both_widths(page, "Schritt 1", also=(390,))
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Schritt 1 mit Fehlern", also=(390,))
    page.get_by_role("button", name="Weitere Person hinzufügen").click()
    problems += check_at_both_widths(page, "Schritt 1 mit zwei Personen", also=(390,))
    page.get_by_role("button", name="Person 2 entfernen").click()
    page.select_option("#id_p-0-salutation", label="Frau")
    page.fill("#id_p-0-first_name", "Käthe")
    page.fill("#id_p-0-last_name", "Müller-Lüdenscheidt")
    page.fill("#id_p-0-email", LONG_EMAIL)
    page.fill("#id_correspondence_email", LONG_EMAIL)
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 2: Adressdaten")
    problems += check_at_both_widths(page, "Schritt 2")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Schritt 2 mit Fehlern")
    page.fill("#id_company_name", "Stadtentwässerungsbetriebe Nordrhein-Westfalen GmbH & Co. KG")
    page.get_by_label("Straße und Hausnummer").fill("Ring 1")
    page.get_by_label("PLZ").fill("10115")
    page.get_by_label("Ort").fill("Berlin")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Schritt 3: Bemerkungen und Abschluss"
    )
    problems += check_at_both_widths(page, "Schritt 3")
    page.get_by_role("button", name="Verbindlich anmelden").last.click()
    expect(page.locator(".errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Schritt 3 mit Fehlern")
    # The terms open in a new window; the form keeps what was typed.
    page.fill("#id_remarks", "Bitte vegetarisches Mittagessen.")
    with page.context.expect_page() as new_window:
        page.get_by_role("link", name="Teilnahmebedingungen lesen").click()
    terms = new_window.value
    expect(terms.get_by_role("heading", level=1)).to_have_text("Teilnahmebedingungen")
    terms.close()
    expect(page.locator("#id_remarks")).to_have_value("Bitte vegetarisches Mittagessen.")
    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").check()
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.").check()
    page.get_by_role("button", name="Verbindlich anmelden").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    expect(page.locator(".lead")).to_contain_text(" vom ")
    problems += check_at_both_widths(page, "Danke")

    for path, title in (
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/teilnahmebedingungen/", "Teilnahmebedingungen"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ):
        page.goto(site + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        problems += check_at_both_widths(page, title)

    page.goto(site + "/bescheinigung/pruefen/")
    problems += check_at_both_widths(page, "Bescheinigung prüfen")
    page.get_by_role("button", name="Prüfen").click()
    problems += check_at_both_widths(page, "Bescheinigung prüfen mit Fehler")
    page.get_by_label("Prüfcode").fill(certificate.verification_code)
    page.get_by_role("button", name="Prüfen").click()
    expect(page.locator(".certificate-check-result")).to_be_visible()
    problems += check_at_both_widths(page, "Bescheinigung geprüft")

    page.goto(site + "/gibt-es-nicht/")
    problems += check_at_both_widths(page, "404")

    assert not problems, "\n".join(problems)


def test_portal_pages_with_and_without_notices_and_the_reset_flow(site, page: Page):
    today = timezone.localdate()
    person = PersonFactory(
        username="annemarie.mustermann-schulze",
        first_name="Annemarie",
        last_name="Mustermann-Schulze",
        email=LONG_EMAIL,
        password=PASSWORD,
    )
    upcoming = EventFactory(
        title="Online-Seminar: Fachkunde Kanalreinigung",
        first_day=today + dt.timedelta(days=14),
        last_day=today + dt.timedelta(days=16),
        format="online",
    )
    _book(person, upcoming, Participation.Status.CONFIRMED)
    CourseDocumentFactory(event=upcoming, title="Skript Kanalreinigung")
    OnlineLinkFactory(event=upcoming)
    past = EventFactory(
        title="Sachkunde Trinkwasserhygiene",
        first_day=today - dt.timedelta(days=30),
        last_day=today - dt.timedelta(days=29),
    )
    attended = _book(person, past, Participation.Status.ATTENDED)
    CertificateFactory(participation=attended, issued_on=past.last_day)
    problems: list[str] = []

    page.goto(site + "/portal/anmelden/")
    problems += check_at_both_widths(page, "Anmelden")
    page.get_by_label("Benutzername").fill(person.username)
    page.get_by_label("Passwort", exact=True).fill("falsch-falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".errorlist-box, .errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Anmelden mit Fehler")

    log_in(page, site, person.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    problems += check_at_both_widths(page, "Startseite")
    for path, name in (
        ("/portal/teilnahmen/", "Meine Teilnahmen"),
        ("/portal/unterlagen/", "Meine Veranstaltungsunterlagen"),
        ("/portal/dokumente/", "Meine Dokumente"),
        ("/portal/daten/", "Meine Daten"),
    ):
        page.goto(site + path)
        problems += check_at_both_widths(page, name)

    page.goto(site + "/portal/daten/passwort/")
    problems += check_at_both_widths(page, "Passwort ändern")
    page.get_by_label("Bisheriges Passwort").fill(PASSWORD)
    page.get_by_label("Neues Passwort", exact=True).fill("P@ssw0rt1234")
    page.get_by_label("Neues Passwort wiederholen").fill("P@ssw0rt1234")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.locator("#id_new_password1_error, .field-error .errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Passwort ändern mit Fehlern")
    new_password = "Sandfang-Belüftung-42"
    page.get_by_label("Bisheriges Passwort").fill(PASSWORD)
    page.get_by_label("Neues Passwort", exact=True).fill(new_password)
    page.get_by_label("Neues Passwort wiederholen").fill(new_password)
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihr neues Passwort ist gespeichert")
    problems += check_at_both_widths(page, "Meine Daten mit Hinweis")

    page.goto(site + "/portal/daten/konto-loeschen/")
    problems += check_at_both_widths(page, "Löschung beantragen")
    page.get_by_role("button", name="Löschung beantragen").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    problems += check_at_both_widths(page, "Löschung beantragen mit Fehler")
    page.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Löschung beantragen").click()
    expect(page.locator(".messages")).to_be_visible()
    problems += check_at_both_widths(page, "Meine Daten nach dem Löschantrag")

    page.get_by_role("button", name="Abmelden").first.click()
    expect(page.locator(".messages")).to_contain_text("Sie haben sich abgemeldet")
    problems += check_at_both_widths(page, "Nach dem Abmelden")

    page.get_by_role("link", name="Passwort vergessen?").click()
    problems += check_at_both_widths(page, "Passwort vergessen")
    page.get_by_label("Benutzername oder E-Mail-Adresse").fill(person.username)
    page.get_by_role("button", name="Link anfordern").click()
    problems += check_at_both_widths(page, "Link gesendet")
    page.goto(reset_link_from_outbox(LONG_EMAIL))
    problems += check_at_both_widths(page, "Neues Passwort festlegen")
    page.get_by_label("Neues Passwort", exact=True).fill("Pa55wort-2025")
    page.get_by_label("Neues Passwort wiederholen").fill("Pa55wort-2025")
    page.get_by_role("button", name="Passwort speichern").click()
    problems += check_at_both_widths(page, "Neues Passwort festlegen mit Fehler")
    page.get_by_label("Neues Passwort", exact=True).fill("Tropfkörper-Nachklärung-9")
    page.get_by_label("Neues Passwort wiederholen").fill("Tropfkörper-Nachklärung-9")
    page.get_by_role("button", name="Passwort speichern").click()
    problems += check_at_both_widths(page, "Passwort gespeichert")

    assert not problems, "\n".join(problems)


FOCUS = """(selector) => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const rect = el.getBoundingClientRect();
    return {
        match: el.matches(selector),
        visible: outline || style.boxShadow !== "none",
        onScreen: rect.width > 0 && rect.height > 0,
        what: `${el.tagName} ${el.id || el.name || ""} ${(el.textContent || "").trim().slice(0, 40)}`,
    };
}"""


def _tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus; every element passed on the way must show
    that it has the focus (an outline of 2 px or more, or a shadow)."""
    if page.evaluate(FOCUS, selector)["match"]:
        return  # there already (a field with autofocus)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS, selector)
        assert focus["visible"] and focus["onScreen"], (
            f"focus not visible: {focus['what']} (tabbing to {selector} on {page.url})"
        )
        if focus["match"]:
            return
    raise AssertionError(f"{selector} not reached with Tab from {page.url}")


def test_booking_and_portal_with_the_keyboard_alone(site, page: Page):
    event = EventFactory(title="Fachkunde Kanalreinigung", capacity=10)
    person = PersonFactory(username="max.tastatur", password=PASSWORD)

    page.goto(f"{site}/veranstaltungen/{event.number}/")
    _tab_to(page, "main a[href$='/anmelden/teilnehmer/'], main a[href$='/anmelden/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 1: Teilnehmerdaten")
    _tab_to(page, "#id_p-0-salutation")
    page.keyboard.press("F")  # "Frau"
    _tab_to(page, "#id_p-0-first_name")
    page.keyboard.type("Käthe")
    _tab_to(page, "#id_p-0-last_name")
    page.keyboard.type("Müller")
    _tab_to(page, "#id_correspondence_email")
    page.keyboard.type("k.mueller@example.org")
    _tab_to(page, "button[value=next]:not(.visually-hidden)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 2: Adressdaten")
    _tab_to(page, "#id_company_name")
    page.keyboard.type("Stadtwerke Görlitz")
    _tab_to(page, "#id_street")
    page.keyboard.type("Demianiplatz 23")
    _tab_to(page, "#id_postal_code")
    page.keyboard.type("02826")
    _tab_to(page, "#id_city")
    page.keyboard.type("Görlitz")
    _tab_to(page, "button[value=next]:not(.visually-hidden)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Schritt 3: Bemerkungen und Abschluss"
    )
    _tab_to(page, "#id_accept_terms")
    page.keyboard.press("Space")
    _tab_to(page, "#id_accept_privacy")
    page.keyboard.press("Space")
    _tab_to(page, "button[value=submit]:not(.visually-hidden)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")

    page.goto(site + "/portal/anmelden/")
    _tab_to(page, "#id_username")
    page.keyboard.type(person.username)
    _tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    _tab_to(page, ".sub-nav a[href='/portal/daten/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Daten")
    _tab_to(page, "main a[href='/portal/daten/passwort/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort ändern")
    _tab_to(page, "#id_old_password")
    page.keyboard.type(PASSWORD)
    _tab_to(page, "#id_new_password1")
    page.keyboard.type("Tropfkörper-Nachklärung-9")
    _tab_to(page, "#id_new_password2")
    page.keyboard.type("Tropfkörper-Nachklärung-9")
    _tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Ihr neues Passwort ist gespeichert")
    _tab_to(page, ".logout-form button")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Sie haben sich abgemeldet")
