import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kundenportal.accounts.credentials import initial_password_set
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
)

from .portal_steps import (
    assert_accessible,
    first_login_with_forced_change,
    log_in,
    log_out,
    reset_link_from_outbox,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INITIAL = "k7Hm-9pQx-Ab3d-Zz2e"
NEW_PASSWORD = "Regenrückhaltebecken-7"


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def _book(person, event, status):
    return ParticipationFactory(
        person=person, event=event, registration__event=event, status=status
    )


def test_first_login_forced_change_sections_download_logout(site, page: Page):
    today = timezone.localdate()
    person = PersonFactory(username="juergen.groesse", first_name="Jürgen", last_name="Größe")
    initial_password_set(person=person, raw_password=INITIAL)
    upcoming = EventFactory(
        title="Fachkunde Kanalreinigung",
        first_day=today + dt.timedelta(days=14),
        last_day=today + dt.timedelta(days=16),
    )
    _book(person, upcoming, Participation.Status.CONFIRMED)
    CourseDocumentFactory(
        event=upcoming, title="Skript Kanalreinigung", filename="Skript Kanalreinigung Übungen.pdf"
    )
    past = EventFactory(
        title="Sachkunde Trinkwasserhygiene",
        first_day=today - dt.timedelta(days=90),
        last_day=today - dt.timedelta(days=89),
    )
    attended = _book(person, past, Participation.Status.ATTENDED)
    CertificateFactory(participation=attended, issued_on=past.last_day)

    first_login_with_forced_change(page, site, "Juergen.Groesse", INITIAL, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen, Jürgen Größe")

    page.get_by_role("link", name="Meine Veranstaltungsunterlagen").first.click()
    expect(page.get_by_role("heading", level=2, name="Fachkunde Kanalreinigung")).to_be_visible()
    until = (upcoming.last_day + dt.timedelta(days=42)).strftime("%d.%m.%Y")
    expect(page.locator(".file-list")).to_contain_text(f"online bis {until}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Skript Kanalreinigung").click()
    download = info.value
    assert download.suggested_filename == "Skript Kanalreinigung Übungen.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Meine Teilnahmen").first.click()
    expect(page.get_by_role("cell", name="Sachkunde Trinkwasserhygiene")).to_be_visible()
    page.get_by_role("link", name="Meine Dokumente").first.click()
    expect(page.get_by_role("table")).to_contain_text("noch")
    log_out(page)
    page.goto(site + "/portal/unterlagen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden im Kundenportal")


def test_passwort_vergessen_story(site, page: Page):
    PersonFactory(
        username="max.mustermann", email="max@wasser.example", password="Alt-Passwort-2020!"
    )
    page.goto(site + "/portal/anmelden/")
    page.get_by_role("link", name="Passwort vergessen?").click()
    assert_accessible(page)
    page.get_by_label("Benutzername oder E-Mail-Adresse").fill("max@wasser.example")
    page.get_by_role("button", name="Link anfordern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")

    page.goto(reset_link_from_outbox("max@wasser.example"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Neues Passwort festlegen")
    expect(page.locator("main")).to_contain_text("max.mustermann")
    assert_accessible(page)
    page.get_by_label("Neues Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr neues Passwort ist gespeichert")
    page.get_by_role("link", name="Zur Anmeldung").click()

    log_in(page, site, "max.mustermann", NEW_PASSWORD)
    expect(page).to_have_url(site + "/portal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")


def test_login_with_the_keyboard_alone(site, page: Page):
    PersonFactory(username="max.mustermann", password=NEW_PASSWORD)
    page.goto(site + "/portal/anmelden/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("Max.Mustermann")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/portal/")


def test_portal_pages_have_no_serious_accessibility_violations(site, page: Page):
    today = timezone.localdate()
    person = PersonFactory(username="max.mustermann", password=NEW_PASSWORD)
    event = EventFactory(
        first_day=today + dt.timedelta(days=3), last_day=today + dt.timedelta(days=3)
    )
    _book(person, event, Participation.Status.CONFIRMED)
    CourseDocumentFactory(event=event)
    past = EventFactory(
        first_day=today - dt.timedelta(days=30), last_day=today - dt.timedelta(days=30)
    )
    CertificateFactory(participation=_book(person, past, Participation.Status.ATTENDED))

    page.goto(site + "/portal/anmelden/")
    assert_accessible(page)
    log_in(page, site, "max.mustermann", "falsch-falsch")
    expect(page.locator(".errorlist")).to_be_visible()
    assert_accessible(page)
    log_in(page, site, "max.mustermann", NEW_PASSWORD)
    for path in (
        "",
        "teilnahmen/",
        "unterlagen/",
        "dokumente/",
        "daten/",
        "daten/passwort/",
        "daten/konto-loeschen/",
    ):
        page.goto(f"{site}/portal/{path}")
        assert_accessible(page)
    # Empty states too.
    log_out(page)
    PersonFactory(username="leer.konto", password=NEW_PASSWORD)
    log_in(page, site, "leer.konto", NEW_PASSWORD)
    for path in ("teilnahmen/", "unterlagen/", "dokumente/"):
        page.goto(f"{site}/portal/{path}")
        expect(page.locator(".empty").first).to_be_visible()
        assert_accessible(page)
