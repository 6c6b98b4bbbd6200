"""A personnel officer registers herself and three colleagues, all three steps in Chromium."""

import pytest
from playwright.sync_api import Page, expect

from kundenportal.accounts.models import Person
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Registration
from tests.factories import EventFactory, PersonFactory

from .portal_steps import admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLEAGUES = [
    ("Herr", "", "Jürgen", "Größe", "juergen.groesse"),
    ("Frau", "Dr.", "Anna Maria", "von der Heide", "anna-maria.von-der-heide"),
    ("Herr", "", "Max", "Mustermann", "max.mustermann1"),
]


def fill_person(page: Page, index: int, salutation, title, first, last, email=""):
    page.select_option(f"#id_p-{index}-salutation", label=salutation)
    page.fill(f"#id_p-{index}-title", title)
    page.fill(f"#id_p-{index}-first_name", first)
    page.fill(f"#id_p-{index}-last_name", last)
    if email:
        page.fill(f"#id_p-{index}-email", email)


def test_booker_registers_herself_and_three_colleagues(live_server, page: Page):
    # A Max Mustermann exists at another company: ours gets a new account "aus Sicherheitsgründen".
    PersonFactory(first_name="Max", last_name="Mustermann", username="max.mustermann")
    event = EventFactory(title="Fachkunde Kanalreinigung und -inspektion", capacity=10)

    page.goto(f"{live_server.url}/veranstaltungen/{event.number}/")
    page.get_by_role("link", name="Jetzt anmelden").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 1: Teilnehmerdaten")

    fill_person(page, 0, "Frau", "", "Käthe", "Müller", "k.mueller@kaw.example")
    # Enter in a field of step 1 checks the form instead of adding or removing a person.
    page.locator("#id_p-0-last_name").press("Enter")
    expect(page.locator("#id_correspondence_email_error")).to_contain_text("zwingend erforderlich")
    expect(page.locator("#id_p-0-last_name")).to_have_value("Müller")
    expect(page.locator("#id_p-1-first_name")).to_have_count(0)
    for index, (salutation, title, first, last, _username) in enumerate(COLLEAGUES, start=1):
        page.get_by_role("button", name="Weitere Person hinzufügen").click()
        expect(page.locator(f"#id_p-{index}-first_name")).to_be_visible()
        # Entries typed before the round trip are still there.
        expect(page.locator("#id_p-0-last_name")).to_have_value("Müller")
        fill_person(page, index, salutation, title, first, last)
    page.fill("#id_correspondence_email", "personal@kaw.example")

    # A mistake first: the last name of person 2 removed → German message beside the field.
    page.fill("#id_p-1-last_name", "")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    expect(page.locator("#person-2 .errorlist")).to_contain_text(
        "Dieses Feld ist zwingend erforderlich."
    )
    expect(page.locator("#id_p-3-first_name")).to_have_value("Max")
    page.fill("#id_p-1-last_name", "Größe")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 2: Adressdaten")
    page.locator("#id_company_name").fill("Kommunale Abfallwirtschaft Würzburg GmbH")
    page.get_by_label("Straße und Hausnummer").fill("Äußere Aumühlstraße 5")
    page.get_by_label("PLZ").fill("97076")
    page.get_by_label("Ort").fill("Würzburg")
    page.get_by_label("Telefon").fill("0931 37440")
    # Enter in a field goes forward (not "Zurück", the first visible button).
    page.get_by_label("Telefon").press("Enter")

    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Schritt 3: Bemerkungen und Abschluss"
    )
    summary = page.locator(".reg-summary")
    for _s, _t, first, last, _u in COLLEAGUES:
        expect(summary).to_contain_text(f"{first} {last}")
    expect(summary).to_contain_text("Kommunale Abfallwirtschaft Würzburg GmbH")

    # Back to step 2 and forward again: everything kept.
    page.get_by_role("button", name="Zurück zu Schritt 2").click()
    expect(page.get_by_label("Ort")).to_have_value("Würzburg")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()

    # Keyboard only for the consent boxes and the submit.
    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the link to the terms (opens a new window)
    expect(page.get_by_role("link", name="Teilnahmebedingungen lesen")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(
        page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.")
    ).to_be_checked()
    finish_url = page.url
    csrf_token = page.locator("input[name=csrfmiddlewaretoken]").input_value()
    page.get_by_role("button", name="Verbindlich anmelden").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    expect(page.locator("main")).to_contain_text("Durchführungsbestätigung")
    expect(page.locator("main")).to_contain_text("personal@kaw.example")

    registration = Registration.objects.get()
    assert registration.correspondence_email == "personal@kaw.example"
    assert registration.participations.count() == 4
    usernames = {"kaethe.mueller"} | {c[4] for c in COLLEAGUES}
    created = set(
        Person.objects.filter(company__name="Kommunale Abfallwirtschaft Würzburg GmbH").values_list(
            "username", flat=True
        )
    )
    assert created == usernames
    assert Person.objects.get(username="anna-maria.von-der-heide").title == "Dr."
    assert OutboxMail.objects.filter(template="registration_receipt").count() == 1

    # The same form sent once more with the browser's cookies (reload after submit, a second
    # click that got through): the same thank-you page, still one registration.
    again = page.request.post(
        finish_url,
        form={
            "csrfmiddlewaretoken": csrf_token,
            "accept_terms": "on",
            "accept_privacy": "on",
            "action": "submit",
        },
        headers={"Referer": finish_url},
        max_redirects=0,
    )
    assert again.status == 302
    assert again.headers["location"].endswith(f"/veranstaltungen/{event.number}/anmelden/danke/")
    assert Registration.objects.count() == 1

    # Staff see the new accounts with their usernames in the admin.
    Person.objects.create_superuser(
        "verwaltung", "ein-sehr-langes-passwort-42", first_name="Vera", last_name="Waltung"
    )
    admin_log_in(page, live_server.url, "verwaltung", "ein-sehr-langes-passwort-42")
    page.goto(f"{live_server.url}/verwaltung/accounts/person/?q=W%C3%BCrzburg")
    table = page.locator("#result_list")
    for username in usernames:
        expect(table).to_contain_text(username)
    expect(page.locator("#result_list tbody tr")).to_have_count(4)


def test_registration_pages_have_no_accessibility_violations(live_server, page: Page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    event = EventFactory(capacity=1)

    def check(name: str):
        results = axe.run(page)
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not violations, f"{name}: {violations}"

    page.goto(f"{live_server.url}/veranstaltungen/{event.number}/anmelden/teilnehmer/")
    check("Schritt 1")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    check("Schritt 1 mit Fehlern")
    fill_person(page, 0, "Frau", "", "Käthe", "Müller")
    page.fill("#id_correspondence_email", "k@example.org")
    page.get_by_role("button", name="Weiter zu Schritt 2").click()
    check("Schritt 2")
    page.locator("#id_is_private").check()
    page.get_by_label("Straße und Hausnummer").fill("Ring 1")
    page.get_by_label("PLZ").fill("10115")
    page.get_by_label("Ort").fill("Berlin")
    page.get_by_role("button", name="Weiter zu Schritt 3").click()
    check("Schritt 3")
    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").check()
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    check("Danke")
