"""WCAG 2.1 AA in the back office: every admin page each role can open — the login, the
second-factor pages, the start page, every list, add and change form, history and delete
confirmation, and the custom pages — has no axe-core violation of any impact at 1280 px and
at 320 px, and at 320 px the page does not scroll sideways (reflow, WCAG 1.4.10; a wide table
scrolls inside its own box).

The pages a role can open are found with the test client (status 200, HTML), then each is
opened once in a browser context of that role and checked at both widths.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from kundenportal.backoffice.roles import AUSWERTUNG, MARKETING, SEMINARVERWALTUNG
from tests.backoffice.test_german_ui import superuser_pages
from tests.backoffice.test_roles import objects as role_objects  # noqa: F401
from tests.factories import PersonFactory
from tests.second_factor import fresh_totp_code

from .portal_steps import second_factor_enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Verwaltung-Essen-2026"
WIDTHS = (1280, 320)
# axe-core as axe-playwright-python bundles it, loaded into every page of a context once
# (an init script) instead of evaluating its 570 kB source before every run.
AXE_SCRIPT = Axe().axe_script
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"


@pytest.fixture(autouse=True)
def _roles():
    """The staff groups (a migration makes them; a browser test's flush removes them)."""
    from django.apps import apps

    from kundenportal.backoffice.roles import roles_sync

    roles_sync(apps=apps)


def _violations(page: Page) -> list[str]:
    """axe-core's violations of any impact at both widths, and sideways scrolling of the whole
    page (the context must carry ``AXE_SCRIPT``)."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = page.evaluate(AXE_RUN)
        found += [
            f"{width}px {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
            for v in results["violations"]
        ]
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            found.append(f"{width}px scrolls sideways by {overflow}px")
    return found


def _differs_by_role(url: str) -> bool:
    """Pages whose content depends on the role's permissions: the start page, the lists
    (actions, buttons), the change forms (editable or read-only) and the custom pages. The
    superuser's walk covers the rest (app indexes, add forms, histories and delete
    confirmations: the same templates, each showing no more to a role)."""
    return not (
        url.endswith(("/history/", "/delete/", "/add/", "/password_change/"))
        or re.fullmatch(r"/verwaltung/\w+/", url)
    )


def _pages_for(user, urls) -> list[str]:
    """The URLs among ``urls`` that open for ``user`` as an HTML page."""
    client = Client()
    client.force_login(user)
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages.append(url)
    return pages


def _log_in_context(browser, live_server, user):
    """A browser context with the user's session (both login steps passed, as the forms are
    checked in ``test_login_and_second_factor_pages``)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(AXE_SCRIPT)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _staff(role: str | None, username: str):
    user = PersonFactory(
        username=username, is_staff=True, is_superuser=role is None, password=PASSWORD
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def test_login_and_second_factor_pages(live_server, browser):
    context = browser.new_context()
    context.add_init_script(AXE_SCRIPT)
    page = context.new_page()
    problems = {}
    _staff(None, "neu.chefin")
    page.goto(live_server.url + reverse("admin:login"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems["login"] = _violations(page)
    page.get_by_label("Benutzername").fill("neu.chefin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Zweiten Faktor einrichten")).to_be_visible()
    problems["enrol"] = _violations(page)
    # A wrong code: the page with its error.
    page.get_by_label("Code aus der App").fill("000000")
    page.get_by_role("button", name="Einrichten").click()
    problems["enrol error"] = _violations(page)
    page.wait_for_timeout(1100)  # django-otp's throttle after one wrong code: 1 s
    second_factor_enrol(page)
    problems["backup codes"] = _violations(page)
    page.get_by_role("link", name="Codes notiert – weiter zur Verwaltung").click()
    page.goto(live_server.url + reverse("admin:second_factor_backup_codes"))
    problems["renew backup codes"] = _violations(page)
    page.context.clear_cookies()

    # The code page of a staff member whose app is set up.
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Benutzername").fill("neu.chefin")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Anmeldung bestätigen")).to_be_visible()
    problems["second factor"] = _violations(page)
    page.get_by_label("Code aus der App oder Sicherungscode").fill("000000")
    page.get_by_role("button", name="Bestätigen").click()
    problems["second factor error"] = _violations(page)
    page.wait_for_timeout(1100)
    device = TOTPDevice.objects.get(user__username="neu.chefin", confirmed=True)
    page.get_by_label("Code aus der App oder Sicherungscode").fill(fresh_totp_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("#user-tools")).to_be_visible()
    # A failed password login.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Benutzername").fill("neu.chefin")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".errornote")).to_be_visible()
    problems["login error"] = _violations(page)
    context.close()
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


@pytest.mark.parametrize(
    "role", [None, MARKETING, SEMINARVERWALTUNG, AUSWERTUNG], ids=lambda r: r or "superuser"
)
def test_every_back_office_page_of_each_role(live_server, browser, role, role_objects):  # noqa: F811
    user = _staff(role, f"rolle.{(role or 'chef').lower()}")
    candidates = superuser_pages(role_objects)
    if role is not None:
        candidates = [url for url in candidates if _differs_by_role(url)]
    pages = _pages_for(user, candidates)
    assert len(pages) >= (90 if role is None else 15)
    context = _log_in_context(browser, live_server, user)
    page = context.new_page()
    problems = {}
    for url in pages:
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        found = _violations(page)
        if found:
            problems[url] = found
    context.close()
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_dark_theme(live_server, browser, role_objects):  # noqa: F811
    """Django's dark theme (the system setting, or the admin's theme switch) keeps the
    contrast: one page of each kind, as the superuser sees it."""
    user = _staff(None, "dunkel.chefin")
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    context.add_init_script(AXE_SCRIPT)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    event = role_objects["events.event"].pk
    registration = role_objects["registrations.registration"].pk
    problems = {}
    for url in (
        reverse("admin:index"),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_change", args=[event]),
        reverse("admin:events_event_attendance", args=[event]),
        reverse("admin:registrations_registration_change", args=[registration]),
        reverse("admin:retention_retentionschedule_changelist"),
        reverse("admin:auth_group_add"),
        reverse("admin:staffauth_loginattempt_changelist"),
    ):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("data-theme", "auto")
        if found := _violations(page):
            problems[url] = found
    context.close()
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
