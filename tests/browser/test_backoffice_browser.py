"""Staff record attendance and generate certificates in the admin; the participant finds the
certificate in "Meine Dokumente", downloads it, and its QR link confirms it publicly."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from tests.factories import EventFactory, ParticipationFactory, PersonFactory, RegistrationFactory

from .portal_steps import admin_log_in, assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Verwaltung-Essen-2026"
OWN_PASSWORD = "Regenrückhaltebecken-7"


def test_attendance_certificates_and_download(live_server, settings, page: Page):
    settings.SITE_URL = live_server.url
    PersonFactory(username="verwaltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    today = timezone.localdate()
    event = EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung und -inspektion",
        first_day=today - dt.timedelta(days=2),
        last_day=today,
        status=Event.Status.CONFIRMED,
    )
    registration = RegistrationFactory(event=event)
    juergen = ParticipationFactory(
        registration=registration,
        status="confirmed",
        person=PersonFactory(
            username="juergen.groesse",
            first_name="Jürgen",
            last_name="Größe",
            password=OWN_PASSWORD,
        ),
    )
    absent = ParticipationFactory(
        registration=registration,
        status="confirmed",
        person=PersonFactory(first_name="Sören", last_name="Weiß"),
    )

    # 1. Staff record attendance: Jürgen was there, Sören was not.
    admin_log_in(page, live_server.url, "verwaltung", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/verwaltung/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Teilnahme erfassen").click()
    expect(page.get_by_role("heading", name="Teilnahme erfassen")).to_be_visible()
    page.get_by_label("Jürgen Größe").check()
    page.get_by_role("button", name="Teilnahme speichern").click()
    expect(page.locator(".messagelist")).to_contain_text("1 als teilgenommen erfasst")
    expect(page.get_by_label("Jürgen Größe")).to_be_checked()
    expect(page.get_by_label("Sören Weiß")).not_to_be_checked()

    # 2. ... and generate the certificates.
    page.get_by_role("link", name="Weiter: Bescheinigungen erzeugen").click()
    page.get_by_role("button", name="Ja, 1 Bescheinigung erzeugen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Bescheinigung erzeugt")
    certificate = Certificate.objects.get()
    assert certificate.participation_id == juergen.pk
    assert not Certificate.objects.filter(participation=absent).exists()
    assert OutboxMail.objects.filter(template="certificate_available").count() == 1
    page.context.clear_cookies()

    # 3. The participant finds it under "Meine Dokumente" and downloads it.
    log_in(page, live_server.url, "juergen.groesse", OWN_PASSWORD)
    page.get_by_role("link", name="Meine Dokumente").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Dokumente")
    row = page.get_by_role("row", name="Fachkunde Kanalreinigung")
    expect(row).to_contain_text("Teilnahmebescheinigung")
    assert_accessible(page)
    with page.expect_download() as info:
        row.get_by_role("link", name="Teilnahmebescheinigung").click()
    assert info.value.suggested_filename == "Teilnahmebescheinigung K-2609 Jürgen Größe.pdf"
    data = Path(info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Jürgen Größe" in text and "Fachkunde Kanalreinigung und -inspektion" in text
    check_url = f"{live_server.url}/bescheinigung/pruefen/{certificate.verification_code}/"
    assert check_url in text
    log_out(page)

    # 4. Anyone with the QR link sees it confirmed (name, event, date only).
    page.goto(check_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bescheinigung geprüft")
    expect(page.locator("main")).to_contain_text("Jürgen Größe")
    expect(page.locator("main")).not_to_contain_text("juergen.groesse")
    assert_accessible(page)
