"""The Person admin shows the addresses bound to an account, and nobody edits them there."""

import pytest
from django.urls import reverse

from kundenportal.accounts.models import BoundAddress
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_change_page_lists_the_bound_addresses_read_only(client):
    participation = ParticipationFactory()
    person = participation.person
    booker = participation.registration.correspondence_email.lower()
    assert BoundAddress.objects.filter(person=person, email=booker).exists()
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:accounts_person_change", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert booker in html
    assert 'name="bound_addresses-0-email"' not in html  # shown, not an input
    assert client.get(reverse("admin:accounts_person_add")).status_code == 200
