"""The project's accessibility fixes of Django's admin, checked without a browser (the browser
test ``tests/browser/test_backoffice_accessibility.py`` runs axe-core on every page)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_has_a_main_heading():
    html = Client().get(reverse("admin:login")).content.decode()
    assert "<h1>Anmelden</h1>" in html


def test_inline_inputs_are_named_by_column_and_row(admin_client):
    registration = RegistrationFactory()
    participation = ParticipationFactory(registration=registration)
    html = admin_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()
    email = re.search(r'<input[^>]*name="participations-0-email"[^>]*>', html).group(0)
    label = re.search(r'aria-label="([^"]+)"', email).group(1)
    # The column's name, then the row (the participation).
    assert label.endswith(f": {escape(str(participation))}"), label
    assert label.split(":")[0].strip()
    # No empty header cell in the inline's table.
    assert '<th class="original"></th>' not in html
    assert "<th></th>" not in html


def test_every_admin_page_loads_the_accessibility_styles(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "backoffice/admin.css" in html
    assert "backoffice/admin.js" in html


def test_permissions_are_checkboxes_with_german_names(client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:auth_group_add")).content.decode()
    assert 'type="checkbox" name="permissions"' in html
    assert "Veranstaltungen | Veranstaltung | ansehen" in html
    assert "Can view" not in html
