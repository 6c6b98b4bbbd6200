"""The legal pages: defaults from the provider settings, versions kept by staff, links on
every page and in every mail, and the versions a registration accepted."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from kundenportal.audit.models import AuditEntry
from kundenportal.backoffice.roles import AUSWERTUNG, MARKETING, SEMINARVERWALTUNG
from kundenportal.legal.markup import legal_html
from kundenportal.legal.models import LegalText
from kundenportal.legal.selectors import legal_page
from kundenportal.legal.services import legal_text_create, legal_text_publish
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.registrations.models import Registration
from tests.factories import EventFactory, PersonFactory
from tests.registrations.test_anti_automation import _fill, _finish

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "teilnahmebedingungen": "Teilnahmebedingungen",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_legal_page_has_a_german_default_from_the_settings(client, settings, kind):
    settings.PROVIDER = {
        **settings.PROVIDER,
        "long_name": "Klärwerk-Akademie Nord",
        "email": "info@klaerwerk.example",
        "representative": "Dr. Erika Beispiel (Geschäftsführerin)",
        "register": "Amtsgericht Kiel, HRB 4711",
        "vat_id": "DE123456789",
    }
    response = client.get(f"/{kind}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{PAGES[kind]}</h1>" in page
    assert "Klärwerk-Akademie Nord" in page
    assert "Standardfassung" in page


def test_the_impressum_names_what_section_5_ddg_asks(client, settings):
    settings.PROVIDER = {
        **settings.PROVIDER,
        "representative": "Dr. Erika Beispiel (Geschäftsführerin)",
        "register": "Amtsgericht Kiel, HRB 4711",
        "vat_id": "DE123456789",
    }
    page = client.get("/impressum/").content.decode()
    for text in (
        "§ 5 Digitale-Dienste-Gesetz",
        settings.PROVIDER["street"],
        settings.PROVIDER["postal_code"],
        settings.PROVIDER["phone"],
        settings.PROVIDER["email"],
        "Dr. Erika Beispiel",
        "Amtsgericht Kiel, HRB 4711",
        "DE123456789",
    ):
        assert text in page, text


def test_an_empty_optional_entry_is_left_out(client, settings):
    settings.PROVIDER = {**settings.PROVIDER, "representative": "", "vat_id": ""}
    page = client.get("/impressum/").content.decode()
    assert "Vertreten durch" not in page and "Umsatzsteuer" not in page


def test_the_privacy_notice_has_the_items_of_article_13(client, settings):
    settings.COURSE_DOCUMENT_RETENTION_DAYS = 43
    page = client.get("/datenschutz/").content.decode()
    for text in (
        "Verantwortlicher",
        "Datenschutzbeauftragte",
        "Art. 6 Abs. 1 Buchst. b DSGVO",
        "Empfänger",
        "außerhalb der Europäischen Union",
        "43 Tage",
        "Art. 15 DSGVO",
        "Art. 21 DSGVO",
        "Aufsichtsbehörde",
        "Pflicht zur Bereitstellung",
        "Art. 22 DSGVO",
    ):
        assert text in page, text


def test_the_accessibility_statement_names_standard_limits_contact_and_conciliation(client):
    page = client.get("/barrierefreiheit/").content.decode()
    for text in (
        "WCAG",
        "2.1",
        "EN 301 549",
        "Bekannte Einschränkungen",
        "Feedback",
        "Schlichtungsstelle",
        "Barrierefreiheitsstärkungsgesetz",
    ):
        assert text in page, text


def test_a_saved_version_replaces_the_default_and_an_older_one_can_be_published_again(client):
    first = legal_text_create(
        kind="impressum", title="Impressum", body="Erste Fassung", publish=True, actor=None
    )
    draft = legal_text_create(
        kind="impressum", title="Impressum", body="Entwurf", publish=False, actor=None
    )
    assert (first.version, draft.version) == (1, 2)
    page = client.get("/impressum/").content.decode()
    assert "Erste Fassung" in page and "Entwurf" not in page and "Fassung 1" in page
    legal_text_publish(text=draft, actor=None)
    assert legal_page(kind="impressum").version == draft
    legal_text_publish(text=first, actor=None)
    assert legal_page(kind="impressum").version == first


def test_the_markup_escapes_everything_staff_type():
    html = legal_html(
        '## Kontakt\n<script>alert(1)</script>\n\n- Punkt "eins"\n- https://www.example.org'
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>Kontakt</h2>" in html
    assert "<li>Punkt &quot;eins&quot;</li>" in html
    assert 'href="https://www.example.org"' in html


@pytest.mark.parametrize(
    "url", ["/", "/impressum/", "/portal/anmelden/", "/bescheinigung/pruefen/", "/gibt-es-nicht/"]
)
def test_every_page_links_the_legal_pages_in_its_footer(client, url):
    page = client.get(url).content.decode()
    for kind in PAGES:
        assert f'href="/{kind}/"' in page, (url, kind)


def test_the_portal_and_the_back_office_link_the_legal_pages(client):
    person = PersonFactory(password="Ein-langes-Passwort-42")
    client.force_login(person)
    page = client.get("/portal/", follow=True).content.decode()
    assert all(f'href="/{kind}/"' in page for kind in PAGES)
    client.logout()
    # The back office's pages all extend admin/base_site.html, its login page too.
    page = client.get("/verwaltung/login/").content.decode()
    assert all(f'href="/{kind}/"' in page for kind in PAGES)
    assert 'rel="icon"' in page


def _mail_templates() -> list[Path]:
    found = []
    for folder in (ROOT / "kundenportal").glob("*/templates/notifications/mail"):
        found += [
            path
            for path in folder.glob("*.txt")
            if not path.name.startswith("_") and not path.name.endswith(".subject.txt")
        ]
    return found


def test_every_mail_has_the_footer_with_the_legal_links():
    templates = _mail_templates()
    assert len(templates) >= 10
    for text in templates:
        assert '{% include "notifications/mail/_footer.txt" %}' in text.read_text(), text
        html = text.with_suffix(".html")
        assert '{% extends "notifications/mail/base.html" %}' in html.read_text(), html


def test_a_mail_carries_the_legal_links_as_text_and_html(settings):
    settings.SITE_URL = "https://portal.example"
    row = OutboxMail.objects.create(
        template="account_deleted",
        to=["x@example.org"],
        context={"full_name": "Sören Weiß", "username": "soeren.weiss", "deleted_at": "x"},
    )
    message = mail_render(row)
    html = message.alternatives[0][0]
    for kind in PAGES:
        assert f"https://portal.example/{kind}/" in message.body
        assert f'href="https://portal.example/{kind}/"' in html


def test_step_3_links_terms_and_privacy_in_a_new_window_and_says_nothing_is_lost(client):
    event = EventFactory()
    _fill(client, event, last_name="Muster", email="hr@example.org")
    page = client.get(reverse("registrations:finish", args=[event.number])).content.decode()
    assert '<a href="/teilnahmebedingungen/" target="_blank" rel="noopener">' in page
    assert '<a href="/datenschutz/" target="_blank" rel="noopener">' in page
    assert "öffnet in einem neuen Fenster" in page and "Angaben hier bleiben erhalten" in page


def test_a_registration_stores_the_versions_it_accepted(client):
    event = EventFactory()
    _fill(client, event, last_name="Muster", email="hr@example.org")
    client.get(reverse("registrations:finish", args=[event.number]))  # the page with the links
    shown_terms = LegalText.objects.get(kind="teilnahmebedingungen")
    # Published while the booker reads: the booker accepted what the page linked to.
    legal_text_create(
        kind="teilnahmebedingungen", title="AGB", body="Neu", publish=True, actor=None
    )
    assert _finish(client, event).status_code == 302
    registration = Registration.objects.get()
    assert registration.terms_version == shown_terms
    assert registration.privacy_version.kind == "datenschutz"
    assert registration.consent_at is not None


def test_without_the_page_the_current_versions_are_recorded(client):
    event = EventFactory()
    _fill(client, event, last_name="Muster", email="hr@example.org")
    terms = legal_text_create(
        kind="teilnahmebedingungen", title="AGB", body="Neu", publish=True, actor=None
    )
    assert _finish(client, event).status_code == 302
    assert Registration.objects.get().terms_version == terms


def test_the_registration_admin_shows_the_versions_read_only(admin_client):
    event = EventFactory()
    booker = Client()
    _fill(booker, event, last_name="Muster", email="hr@example.org")
    assert _finish(booker, event).status_code == 302
    registration = Registration.objects.get()
    page = admin_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()
    assert "Akzeptierte Teilnahmebedingungen" in page
    assert "Teilnahmebedingungen, Fassung 1" in page
    assert 'name="terms_version"' not in page


@pytest.mark.parametrize(
    ("role", "may_add"), [(MARKETING, True), (AUSWERTUNG, False), (SEMINARVERWALTUNG, None)]
)
def test_marketing_keeps_the_legal_texts(client, role, may_add):
    staff = PersonFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    add = client.get(reverse("admin:legal_legaltext_add") + "?kind=impressum")
    listing = client.get(reverse("admin:legal_legaltext_changelist"))
    if may_add is None:
        assert listing.status_code == 403
        return
    assert listing.status_code == 200
    assert add.status_code == (200 if may_add else 403)


def test_saving_in_the_back_office_makes_a_new_published_version(admin_client, client):
    add = admin_client.get(reverse("admin:legal_legaltext_add") + "?kind=impressum")
    assert "§ 5 Digitale-Dienste-Gesetz" in add.content.decode()  # starts from the default
    response = admin_client.post(
        reverse("admin:legal_legaltext_add"),
        {
            "kind": "impressum",
            "title": "Impressum",
            "body": "## Anbieter\nNeuer Text",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    text = LegalText.objects.get()
    assert text.version == 1 and text.published_at is not None
    assert AuditEntry.objects.filter(action="legal.text_created", object_id=str(text.pk)).exists()
    assert "Neuer Text" in client.get("/impressum/").content.decode()
    # A version is never changed: its page is read-only.
    change = admin_client.get(reverse("admin:legal_legaltext_change", args=[text.pk]))
    assert 'name="body"' not in change.content.decode()
