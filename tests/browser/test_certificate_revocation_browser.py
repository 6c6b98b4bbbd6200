"""Staff re-issue a certificate with a misspelt name; the old code's check page says
"widerrufen", the participant finds only the corrected one in "Meine Dokumente"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from kundenportal.documents.models import Certificate
from kundenportal.documents.services import certificates_generate
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

from .portal_steps import admin_log_in, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"
OWN_PASSWORD = "Regenrückhaltebecken-7"


def test_reissue_a_certificate_and_the_old_code_shows_revoked(live_server, settings, page: Page):
    settings.SITE_URL = live_server.url
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    today = timezone.localdate()
    event = EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung und -inspektion",
        first_day=today - dt.timedelta(days=2),
        last_day=today,
    )
    person = PersonFactory(
        username="juergen.groesse", first_name="Jürgen", last_name="Grösse", password=OWN_PASSWORD
    )
    ParticipationFactory(registration__event=event, person=person, status="attended")
    certificates_generate(event=event)
    old = Certificate.objects.get()

    # Staff correct the name, then re-issue the certificate with a reason.
    person.last_name = "Größe"
    person.save()
    admin_log_in(page, live_server.url, "verwaltung", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/verwaltung/documents/certificate/{old.pk}/change/")
    page.get_by_role("link", name="Berichtigt neu ausstellen").click()
    page.get_by_label("Grund des Widerrufs").fill("Name falsch geschrieben")
    page.get_by_role("button", name="Berichtigt neu ausstellen").click()
    expect(page.locator(".messagelist")).to_contain_text("die bisherige ist widerrufen")
    new = Certificate.objects.get(replaces=old)
    page.context.clear_cookies()

    # The old code: revoked on the public check page.
    page.goto(f"{live_server.url}/bescheinigung/pruefen/{old.verification_code}/")
    main = page.locator("main")
    expect(main).to_contain_text(f"am {today.strftime('%d.%m.%Y')} widerrufen")
    expect(main).to_contain_text("durch eine berichtigte Bescheinigung")
    expect(main).not_to_contain_text("Name falsch geschrieben")
    assert_accessible(page)
    page.goto(f"{live_server.url}/bescheinigung/pruefen/{new.verification_code}/")
    expect(page.locator("main")).to_contain_text("ist gültig")

    # The participant sees the corrected certificate only.
    log_in(page, live_server.url, "juergen.groesse", OWN_PASSWORD)
    page.get_by_role("link", name="Meine Dokumente").first.click()
    rows = page.get_by_role("row", name="Fachkunde Kanalreinigung")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="Teilnahmebescheinigung")).to_have_attribute(
        "href", reverse("portal:certificate_download", args=[new.pk])
    )
