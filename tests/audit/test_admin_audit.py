"""Every staff action on personal data in the admin leaves an audit entry, with field names
and never a value of a secret."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail as django_mail
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.audit.models import AuditEntry
from kundenportal.notifications.delivery import outbox_process
from kundenportal.portal.services import password_reset_request
from tests.factories import CompanyFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "Verwaltungs-Passwort-2026"


@pytest.fixture
def staff(client):
    staff = PersonFactory(
        username="vera.waltung", is_staff=True, is_superuser=True, password=STAFF_PASSWORD
    )
    client.force_login(staff)
    return staff


def test_add_change_delete_and_action_are_logged_with_field_names_only(staff, client):
    client.post(
        reverse("admin:companies_company_add"),
        {"name": "Stadtwerke Essen", "street": "Geheimweg 1", "country": "Deutschland"},
    )
    company = CompanyFactory._meta.model.objects.get(name="Stadtwerke Essen")
    added = AuditEntry.objects.get(action="admin.add")
    assert added.actor == staff and added.object_type == "companies.company"
    assert added.object_id == str(company.pk)
    assert set(added.data["fields"]) >= {"name", "street"}

    client.post(
        reverse("admin:companies_company_change", args=[company.pk]),
        {"name": "Stadtwerke Essen", "street": "Neuer Weg 9", "country": "Deutschland"},
    )
    changed = AuditEntry.objects.get(action="admin.change")
    assert changed.data == {"fields": ["street"]}
    assert "Neuer Weg 9" not in str(changed.data)

    client.post(reverse("admin:companies_company_delete", args=[company.pk]), {"post": "yes"})
    deleted = AuditEntry.objects.get(action="admin.delete")
    assert deleted.object_id == str(company.pk) and deleted.actor == staff

    participation = ParticipationFactory()
    client.post(
        reverse("admin:registrations_participation_changelist"),
        {"action": "cancel", "_selected_action": [participation.pk]},
    )
    action = AuditEntry.objects.get(action="admin.action")
    assert action.object_type == "registrations.participation"
    assert action.data["action"] == "cancel" and action.data["ids"] == [participation.pk]
    assert action.data["count"] == 1 and action.data["confirmation_page"] is False


@pytest.mark.parametrize(
    "label",
    [
        "accounts.person",
        "companies.company",
        "companies.addresschange",
        "registrations.registration",
        "registrations.participation",
        "documents.certificate",
        "privacy.deletionrequest",
    ],
)
def test_each_personal_data_admin_is_audited(label):
    model = apps.get_model(label)
    assert isinstance(admin.site._registry[model], AuditedModelAdmin)


def test_audit_log_never_holds_a_password_or_token(staff, client, settings):
    # A staff member creates an account with a password and changes it in the admin.
    client.post(
        reverse("admin:accounts_person_add"),
        {
            "username": "neu.angelegt",
            "first_name": "Neu",
            "last_name": "Angelegt",
            "email": "neu@example.org",
            "password1": "Erstes-Geheimnis-4711",
            "password2": "Erstes-Geheimnis-4711",
        },
    )
    person = Person.objects.get(username="neu.angelegt")
    client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": "Zweites-Geheimnis-0815", "password2": "Zweites-Geheimnis-0815"},
    )
    person.refresh_from_db()
    assert person.check_password("Zweites-Geheimnis-0815")
    # Credentials sent again (an initial password made at send time) and a reset link.
    participant = PersonFactory(email="max@example.org")
    client.post(reverse("admin:accounts_person_credentials", args=[participant.pk]))
    password_reset_request(identifier="max@example.org")
    outbox_process()
    bodies = "\n".join(m.body for m in django_mail.outbox)
    initial = re.search(r"Initialpasswort: (\S+)", bodies).group(1)
    reset_link = re.search(r"(/portal/passwort-vergessen/\S+/\S+/)", bodies).group(1)
    token = reset_link.rstrip("/").split("/")[-1]

    log = str(list(AuditEntry.objects.values()))
    assert AuditEntry.objects.filter(action="admin.change", object_id=str(person.pk)).exists()
    assert AuditEntry.objects.filter(action="person.credentials_resent").exists()
    for secret in (
        "Erstes-Geheimnis-4711",
        "Zweites-Geheimnis-0815",
        STAFF_PASSWORD,
        initial,
        token,
        person.password,
        participant.password,
    ):
        assert secret not in log, secret
