"""Zugangsdaten erneut senden: the confirmation's credentials machinery, on staff request."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from kundenportal.accounts.credentials import person_set_own_password
from kundenportal.audit.models import AuditEntry
from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.credentials import credentials_resend
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD_RE = re.compile(r"Initialpasswort: (\S+)")


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


def _send_and_read_password() -> str:
    outbox_process()
    return PASSWORD_RE.search(django_mail.outbox[-1].body).group(1)


def test_fresh_password_works_for_first_login_and_the_old_one_stops(staff, client):
    person = PersonFactory(username="max.mustermann", email="max@example.org")
    credentials_resend(person=person, actor=staff)
    first = _send_and_read_password()
    credentials_resend(person=person, actor=staff)
    second = _send_and_read_password()
    assert first != second
    assert django_mail.outbox[-1].to == ["max@example.org"]
    assert "Benutzername:    max.mustermann" in django_mail.outbox[-1].body
    assert authenticate(username="max.mustermann", password=first) is None

    response = client.post(
        reverse("portal:login"), {"username": "Max.Mustermann", "password": second}
    )
    assert response["Location"] == reverse("portal:password_set")
    # The outbox never held the password.
    assert second not in str(list(OutboxMail.objects.values()))


def test_person_with_own_password_gets_username_and_hint(staff):
    person = PersonFactory(email="max@example.org")
    person_set_own_password(person=person, raw_password="Mein-eigenes-Passwort-2026")
    credentials_resend(person=person, actor=staff)
    outbox_process()
    body = django_mail.outbox[-1].body
    assert "Es gilt das Passwort, das Sie selbst festgelegt haben." in body
    assert "/portal/passwort-vergessen/" in body and "Initialpasswort:" not in body
    person.refresh_from_db()
    assert person.check_password("Mein-eigenes-Passwort-2026") and not person.initial_password


def test_without_own_address_the_latest_correspondence_address_gets_it(staff):
    person = PersonFactory(email="")
    ParticipationFactory(person=person, registration__correspondence_email="hr@firma.example")
    assert credentials_resend(person=person, actor=staff).to == ["hr@firma.example"]
    with pytest.raises(ValidationError, match="keine E-Mail-Adresse bekannt"):
        credentials_resend(person=PersonFactory(email=""), actor=staff)


def test_admin_action_and_button_resend_and_audit(staff, client):
    person = PersonFactory(email="max@example.org")
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_person_changelist"),
        {"action": "resend_credentials", "_selected_action": [person.pk]},
    )
    url = reverse("admin:accounts_person_credentials", args=[person.pk])
    page = client.get(url).content.decode()
    assert "max@example.org" in page and "neuen Initialpasswort" in page
    response = client.post(url)
    assert response.status_code == 302
    assert "gehen an max@example.org" in client.get(response["Location"]).content.decode()
    assert OutboxMail.objects.filter(template="credentials").count() == 2
    entries = AuditEntry.objects.filter(action="person.credentials_resent", actor=staff)
    assert entries.count() == 2
    assert entries.first().data["kind"] == "initial_password"


def test_account_list_search_filter_and_query_count(staff, client, django_assert_max_num_queries):
    from tests.factories import CompanyFactory

    company = CompanyFactory(name="Klärwerk Nord GmbH")
    for n in range(25):
        PersonFactory(company=company if n % 2 else CompanyFactory())
    own = PersonFactory(username="hat.passwort", password="Ein-langes-Passwort-2026")
    client.force_login(staff)
    url = reverse("admin:accounts_person_changelist")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "hat.passwort" in page
    assert "Klärwerk Nord GmbH" in client.get(url, {"q": "klärwerk nord"}).content.decode()
    assert own.username in client.get(url, {"q": own.email}).content.decode()
    filtered = client.get(url, {"zugang": "eigenes"}).content.decode()
    assert "hat.passwort" in filtered and "teilnehmer.nummer" not in filtered
