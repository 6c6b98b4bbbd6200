"""A staff member confirms an event in the admin; the booker of three gets three mails."""

import pytest
from django.contrib.auth import authenticate
from playwright.sync_api import Page, expect

from kundenportal.accounts.backends import INITIAL_PASSWORD_ATTR
from kundenportal.notifications.delivery import outbox_process
from kundenportal.registrations.models import Registration
from tests.browser.portal_steps import admin_log_in
from tests.confirmations.test_confirm import credentials_in
from tests.factories import EventFactory, ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_confirms_event_and_booker_receives_three_credentials(
    live_server, page: Page, smtp_server
):
    PersonFactory(
        username="verwaltung", is_staff=True, is_superuser=True, password="Verw-2026-xyz!"
    )
    event = EventFactory(number="A-2701", title="Betriebsbeauftragte/r für Abfall")
    booking = RegistrationFactory(event=event, correspondence_email="personal@firma.example")
    for first, last in [("Jürgen", "Größe"), ("Özlem", "Yıldız"), ("Sören", "Weiß")]:
        ParticipationFactory(
            registration=booking, person=PersonFactory(first_name=first, last_name=last)
        )
    ParticipationFactory(
        registration=RegistrationFactory(event=event, review=Registration.Review.PENDING)
    )

    admin_log_in(page, live_server.url, "verwaltung", "Verw-2026-xyz!")
    page.goto(f"{live_server.url}/verwaltung/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Durchführung bestätigen").click()

    expect(page.get_by_role("heading", name="Durchführung bestätigen")).to_be_visible()
    row = page.get_by_role("row", name="A-2701")
    expect(row.get_by_role("cell").nth(3)).to_have_text("3")  # new confirmations
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # held back by review
    expect(page.locator("#content")).to_contain_text("noch geprüft werden")
    page.get_by_role("button", name="Ja, Durchführung bestätigen").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "3 Bestätigungen mit Zugangsdaten in den Versand gegeben"
    )
    expect(page.locator(".messagelist")).to_contain_text("1 Teilnahme wird zurückgehalten")

    assert outbox_process().sent == 3
    mails = [m for m in smtp_server.received if m.rcpt_tos == ["personal@firma.example"]]
    assert len(mails) == 3
    credentials = [credentials_in(m.text) for m in mails]
    assert len({u for u, _ in credentials}) == 3
    assert len({p for _, p in credentials}) == 3
    for username, password in credentials:
        user = authenticate(username=username, password=password)
        assert user is not None and getattr(user, INITIAL_PASSWORD_ATTR)
