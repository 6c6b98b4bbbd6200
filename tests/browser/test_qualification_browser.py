"""A participant whose Fachkunde lapses in 120 days gets the reminder, follows its link and
books a refresher with the prefilled form; "Meine Dokumente" and the unsubscribe page on
the way (each checked with axe-core)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.qualifications.mail import REMINDER_MAIL
from kundenportal.qualifications.models import ReminderOptOut
from kundenportal.qualifications.rules import last_days_for_valid_until
from kundenportal.qualifications.services import qualification_reminders_send
from kundenportal.registrations.models import Participation
from tests.factories import PersonFactory, QualificationFactory
from tests.qualifications.helpers import GRANTS, attended, course

from .portal_steps import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lapsing(live_server, settings):
    settings.SITE_URL = live_server.url
    today = timezone.localdate()
    person = PersonFactory(
        username="kaethe.groesse",
        salutation="frau",
        first_name="Käthe",
        last_name="Größe",
        email="kaethe@example.org",
        street="Am Wasserwerk 1",
        postal_code="45127",
        city="Essen",
        password="Fortbildung-2027!",
    )
    q = QualificationFactory(name="Fachkunde Abfallbeauftragte", legal_basis="§ 9 AbfBeauftrV")
    until = today + dt.timedelta(days=120)
    last_day, _ = last_days_for_valid_until(first=until, last=until, refresh_months=24)
    attended(person, q, last_day, GRANTS)
    refresher = course(
        q,
        today + dt.timedelta(days=45),
        status=Event.Status.PUBLISHED,
        title="Fortbildung Abfallbeauftragte",
    )
    return {"person": person, "refresher": refresher}


def _reminder_text() -> str:
    assert qualification_reminders_send().queued == 1
    mail = OutboxMail.objects.get(template=REMINDER_MAIL)
    return mail_render(mail).body


def test_from_the_reminder_mail_to_a_booked_refresher(page: Page, lapsing, live_server):
    body = _reminder_text()
    link = re.search(r"Anmelden: (\S+)", body).group(1)
    assert link.startswith(live_server.url) and "vorbelegung=" in link

    page.goto(link)
    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 1: Teilnehmerdaten")
    expect(page.locator("#id_p-0-first_name")).to_have_value("Käthe")
    expect(page.locator("#id_p-0-last_name")).to_have_value("Größe")
    expect(page.locator("#id_correspondence_email")).to_have_value("kaethe@example.org")
    assert "vorbelegung" not in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Weiter zu Schritt 2").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Schritt 2: Adressdaten")
    expect(page.get_by_label("Straße und Hausnummer")).to_have_value("Am Wasserwerk 1")
    expect(page.locator("#id_company_name")).to_have_value(lapsing["person"].company.name)
    assert_accessible(page)
    page.get_by_role("button", name="Weiter zu Schritt 3").click()

    page.get_by_label("Ich akzeptiere die Teilnahmebedingungen (AGB).").check()
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu.").check()
    assert_accessible(page)
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    assert_accessible(page)

    booked = Participation.objects.get(event=lapsing["refresher"])
    assert booked.person_id == lapsing["person"].pk
    # "Meine Dokumente" now shows the booked refresher; no further reminder goes.
    log_in(page, live_server.url, "kaethe.groesse", "Fortbildung-2027!")
    page.goto(live_server.url + "/portal/dokumente/")
    expect(page.locator("main")).to_contain_text("Fachkunde Abfallbeauftragte")
    expect(page.locator("main")).to_contain_text("Gebuchte Fortbildung")
    assert_accessible(page)
    assert qualification_reminders_send().queued == 0


def test_meine_dokumente_offers_the_refresher_and_the_mail_unsubscribes(
    page: Page, lapsing, live_server
):
    log_in(page, live_server.url, "kaethe.groesse", "Fortbildung-2027!")
    page.goto(live_server.url + "/portal/dokumente/")
    expect(page.locator("main")).to_contain_text("läuft in 120 Tagen ab")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Anmelden.*{lapsing['refresher'].number}")).click()
    expect(page.locator("#id_p-0-first_name")).to_have_value("Käthe")
    page.context.clear_cookies()

    body = _reminder_text()
    unsubscribe = re.search(r"Keine Erinnerungen mehr erhalten: (\S+)", body).group(1)
    page.goto(unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fachkunde-Erinnerungen abbestellen")
    assert_accessible(page)
    assert not ReminderOptOut.objects.exists()
    page.get_by_role("button", name="Erinnerungen abbestellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erinnerungen abbestellt")
    assert_accessible(page)
    assert ReminderOptOut.objects.filter(person=lapsing["person"]).exists()
