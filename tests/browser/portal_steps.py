"""Steps of the participant's story in the browser, reusable by longer stories
(register → staff confirm → mail → first login → ... joins them)."""

import re
from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from tests.second_factor import fresh_totp_code, totp_code

from .checks import check_at_both_widths


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of any impact on the current page, at 1280 px and at
    320 px, and the page reflows without scrolling sideways (``checks.check_at_both_widths``)."""
    problems = check_at_both_widths(page, page.url)
    assert not problems, "; ".join(problems)


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/portal/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


def first_login_with_forced_change(
    page: Page, base_url: str, username: str, initial_password: str, new_password: str
) -> None:
    """Log in with the initial password, find every page closed, choose an own password."""
    log_in(page, base_url, username, initial_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort ändern")
    assert_accessible(page)
    # Nothing else opens before the password is changed.
    page.goto(base_url + "/portal/unterlagen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort ändern")
    page.get_by_label("Neues Passwort", exact=True).fill(new_password)
    page.get_by_label("Neues Passwort wiederholen").fill(new_password)
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihr Passwort ist gespeichert")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Abmelden").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden im Kundenportal")
    expect(page.locator(".messages")).to_contain_text("Sie haben sich abgemeldet")


def reset_link_from_outbox(to: str) -> str:
    """The reset link as the sent mail shows it (rendered from the outbox row)."""
    mail = next(
        m
        for m in OutboxMail.objects.filter(template="password_reset").order_by("-id")
        if to in m.to
    )
    body = mail_render(mail).body
    match = re.search(r"https?://\S+/portal/passwort-vergessen/\S+/\S+/", body)
    assert match, body
    return match.group(0)


# --- Back office ----------------------------------------------------------
def admin_log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in to the back office (/verwaltung/): password, then the second factor as a person
    passes it (setting up the app on the page the first time, else its current code)."""
    page.goto(base_url + "/verwaltung/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    logout = page.get_by_role("link", name="Abmelden").or_(
        page.get_by_role("button", name="Abmelden")
    )
    confirm = page.get_by_role("heading", name="Anmeldung bestätigen")
    enrol = page.get_by_role("heading", name="Zweiten Faktor einrichten")
    expect(confirm.or_(enrol).or_(page.locator("#user-tools"))).to_be_visible()
    if enrol.is_visible():
        second_factor_enrol(page)
        page.get_by_role("link", name="Codes notiert – weiter zur Verwaltung").click()
    elif confirm.is_visible():
        device = TOTPDevice.objects.get(user__username__iexact=username, confirmed=True)
        page.get_by_label("Code aus der App oder Sicherungscode").fill(fresh_totp_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(logout.first).to_be_visible()


def second_factor_enrol(page: Page) -> list[str]:
    """On the set-up page: add the key to the "app" (read from the page), type its code, and
    return the backup codes shown once."""
    key = b32decode(page.locator("#totp-key").inner_text().replace(" ", ""))
    page.get_by_label("Code aus der App").fill(totp_code(key))
    page.get_by_role("button", name="Einrichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Sicherungscodes")
    return [code.strip() for code in page.locator("#backup-codes code").all_inner_texts()]
