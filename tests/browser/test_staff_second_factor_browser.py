"""A staff member sets up the second factor at the first login, logs out, is refused without a
code and let in with one (production setting: STAFF_OTP_REQUIRED on)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.factories import PersonFactory
from tests.second_factor import fresh_totp_code

from .portal_steps import assert_accessible, second_factor_enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"


def _password_step(page: Page, base_url: str) -> None:
    page.goto(base_url + "/verwaltung/login/")
    page.get_by_label("Benutzername").fill("vera.waltung")
    page.get_by_label("Passwort").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def _admin_log_out(page: Page) -> None:
    page.get_by_role("button", name="Abmelden").first.click()
    expect(page.locator("#user-tools")).to_have_count(0)


def test_enrol_log_out_refused_without_code_and_let_in_with_one(live_server, settings, page: Page):
    assert settings.STAFF_OTP_REQUIRED  # the production setting, not switched off here
    PersonFactory(
        username="vera.waltung", password=STAFF_PASSWORD, is_staff=True, is_superuser=True
    )
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # 1. First login: the password leads to setting up the app.
    _password_step(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    assert_accessible(page)
    qr = page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the data: image passed the CSP
    # The back office stays closed until the app is confirmed.
    page.goto(live_server.url + "/verwaltung/accounts/person/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    page.get_by_label("Code aus der App").fill("000000")
    page.get_by_role("button", name="Einrichten").click()
    expect(page.locator(".errornote")).to_contain_text("Dieser Code passt nicht")
    page.wait_for_timeout(1200)  # the one-second wait after a wrong code
    codes = second_factor_enrol(page)
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="Codes notiert – weiter zur Verwaltung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Teilnehmer/in zur Änderung auswählen"
    )
    _admin_log_out(page)

    # 2. Next login: the password alone is refused, wherever staff go.
    _password_step(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    assert_accessible(page)
    for path in ("/verwaltung/", "/verwaltung/accounts/person/", "/verwaltung/login/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
        expect(page.locator("#user-tools")).to_have_count(0)
    code_field = page.get_by_label("Code aus der App oder Sicherungscode")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".errornote")).to_contain_text("Bitte geben Sie einen Code ein")
    code_field.fill("123 456" if fresh_totp_code(_device()) != "123456" else "654321")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".errornote")).to_contain_text("Dieser Code ist nicht gültig")
    # Right after the wrong code even the right one waits (throttled).
    code_field.fill(fresh_totp_code(_device()))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".errornote")).to_contain_text("Zu viele falsche Codes")
    expect(page.locator("#user-tools")).to_have_count(0)

    # 3. With the app's current code the back office opens.
    page.wait_for_timeout(2200)  # the two-second wait after the second failure
    code_field.fill(fresh_totp_code(_device()))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwaltung")
    page.goto(live_server.url + "/verwaltung/accounts/person/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Teilnehmer/in zur Änderung auswählen"
    )
    _admin_log_out(page)

    # 4. A backup code works once instead of the app.
    _password_step(page, live_server.url)
    page.get_by_label("Code aus der App oder Sicherungscode").fill(codes[0].upper())
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".messagelist")).to_contain_text("es bleiben 9")
    page.get_by_role("link", name="Neue Sicherungscodes erzeugen").click()
    expect(page.get_by_text("Unbenutzte Sicherungscodes: 9")).to_be_visible()
    assert_accessible(page)
    _admin_log_out(page)
    _password_step(page, live_server.url)
    page.get_by_label("Code aus der App oder Sicherungscode").fill(codes[0])
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".errornote")).to_contain_text("Dieser Code ist nicht gültig")
    assert not csp_errors, csp_errors


def _device() -> TOTPDevice:
    return TOTPDevice.objects.get(user__username="vera.waltung", confirmed=True)
