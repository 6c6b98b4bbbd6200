"""Staff merge two accounts of one person in the admin, by the usernames she tells them on
the phone (FAQ: "Halten Sie dafür bitte Ihre zusammenzuführenden Benutzernamen bereit")."""

import os

import pytest
from playwright.sync_api import Page, expect

from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_username_hash
from kundenportal.registrations.models import Participation
from tests.factories import CompanyFactory, EventFactory, ParticipationFactory, PersonFactory

from .portal_steps import admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"


def staff_log_in(page: Page, base_url: str) -> None:
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    admin_log_in(page, base_url, "verwaltung", STAFF_PASSWORD)


def test_staff_merge_two_accounts_by_usernames(live_server, page: Page):
    old = person_create(first_name="Jürgen", last_name="Größe", company=CompanyFactory())
    new = person_create(
        first_name="Jürgen",
        last_name="Größe",
        email="j.groesse@neue-firma.example",
        company=CompanyFactory(name="Klärwerk Nord GmbH"),
    )
    ParticipationFactory(person=old, registration__event=EventFactory(number="K-2020"))
    ParticipationFactory(person=new, registration__event=EventFactory(number="K-2026"))

    staff_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/verwaltung/accounts/person/")
    page.get_by_role("link", name="Konten zusammenführen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konten zusammenführen")

    # A typo first: the page names the username that does not exist.
    page.get_by_label("Benutzernamen der Konten").fill("juergen.groesse, juergen.grose")
    page.get_by_role("button", name="Konten vergleichen").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Kein Konto mit dem Benutzernamen „juergen.grose“ gefunden"
    )

    page.get_by_label("Benutzernamen der Konten").fill("juergen.groesse\nJuergen.Groesse1")
    page.get_by_role("button", name="Konten vergleichen").click()
    table = page.locator("#merge-accounts")
    expect(table).to_contain_text("K-2020")
    expect(table).to_contain_text("K-2026")
    expect(table).to_contain_text("Klärwerk Nord GmbH")
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/merge.png", full_page=True)
    page.get_by_label("juergen.groesse1 behalten").check()
    page.get_by_role("button", name="Konten zusammenführen").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Konten zusammengeführt: juergen.groesse in juergen.groesse1"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teilnehmer/in ändern")
    assert not Person.objects.filter(pk=old.pk).exists()
    assert set(
        Participation.objects.filter(person=new).values_list("event__number", flat=True)
    ) == {"K-2020", "K-2026"}
    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.actor.username == "verwaltung"
    # The log keeps the merged username only as its keyed hash.
    assert entry.data["merged_username_hashes"] == [audit_username_hash("juergen.groesse")]


def test_staff_delete_an_account_from_its_deletion_request(live_server, page: Page):
    from kundenportal.notifications.models import OutboxMail
    from kundenportal.privacy.services import deletion_request_create
    from tests.factories import CertificateFactory

    erika = person_create(first_name="Erika", last_name="Musterfrau", email="erika@example.org")
    CertificateFactory(participation__person=erika)
    deletion_request_create(person=erika, reason="Bitte löschen")

    staff_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/verwaltung/privacy/deletionrequest/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("delete_accounts")
    page.get_by_role("button", name="Ausführen").click()
    plan = page.locator("#deletion-plan")
    expect(plan).to_contain_text("erika.musterfrau")
    expect(plan).to_contain_text("1 Teilnahmen")
    expect(plan).to_contain_text("1 Bescheinigungen")
    expect(plan).to_contain_text("erika@example.org")
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/delete.png", full_page=True)
    page.get_by_role("button", name="Ja, 1 Konto/Konten endgültig löschen").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Konto Nr. {erika.pk} gelöscht")
    expect(page.locator(".messagelist")).to_contain_text("erika@example.org")
    assert not Person.objects.filter(pk=erika.pk).exists()
    assert OutboxMail.objects.filter(template="account_deleted").count() == 1
