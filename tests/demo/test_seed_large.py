"""seed_large: a decade of data in bulk, usernames by the series rule, a usable portal."""

import re
from collections import Counter

import pytest
from django.core.management import call_command

from kundenportal.accounts.models import Person, UsernameSeries
from kundenportal.accounts.usernames import _base_hash, username_base, username_issue
from kundenportal.companies.models import Company
from kundenportal.documents.models import Certificate, CourseDocument
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation, Registration

pytestmark = pytest.mark.django_db

PASSWORD = "Zehn-Jahre-Kundenportal"


@pytest.fixture
def seeded(capsys):
    call_command("seed_large", persons=200, password=PASSWORD)
    return capsys.readouterr().out


def test_counts_follow_the_decade_shape(seeded):
    assert Person.objects.count() == 201
    assert Company.objects.count() == 10
    participations = Participation.objects.count()
    assert 1_700 <= participations <= 2_500
    assert Event.objects.count() == 133
    assert participations / 2.5 < Registration.objects.count() < participations
    assert 0.4 < Certificate.objects.count() / participations < 0.6
    assert CourseDocument.objects.exists()
    assert "events and bookings:" in seeded  # progress lines
    assert "Long history: lena.langjaehrig" in seeded


def test_usernames_follow_the_series_rule(seeded):
    people = list(Person.objects.values_list("username", "first_name", "last_name"))
    highest: Counter = Counter()
    for username, first, last in people:
        base = username_base(first_name=first, last_name=last)
        suffix = username[len(base) :]
        assert username.startswith(base) and re.fullmatch(r"\d*", suffix), username
        highest[base] = max(highest[base], int(suffix or 0))
    for base, suffix in highest.items():
        assert UsernameSeries.objects.get(base_hash=_base_hash(base)).last_suffix == suffix
    # The next person of a seeded name gets the next number, never a seeded name again.
    first, last = people[0][1], people[0][2]
    base = username_base(first_name=first, last_name=last)
    assert username_issue(first_name=first, last_name=last) == f"{base}{highest[base] + 1}"


def test_portal_works_for_the_long_history_person(seeded, client):
    assert client.login(username="lena.langjaehrig", password=PASSWORD)
    person = Person.objects.get(username="lena.langjaehrig")
    assert person.participations.count() >= 100
    for path in (
        "/portal/",
        "/portal/teilnahmen/",
        "/portal/unterlagen/",
        "/portal/dokumente/",
        "/portal/daten/",
    ):
        assert client.get(path).status_code == 200, path
    certificate = Certificate.objects.filter(participation__person=person).latest("issued_on")
    download = client.get(f"/portal/dokumente/bescheinigungen/{certificate.pk}/herunterladen/")
    assert download.status_code == 200
    assert (
        b"".join(download.streaming_content if download.streaming else [download.content])[:5]
        == b"%PDF-"
    )
    check = client.get(f"/bescheinigung/pruefen/{certificate.verification_code}/")
    assert check.status_code == 200 and "Langjährig" in check.content.decode()


def test_refuses_to_seed_twice(seeded):
    with pytest.raises(Exception, match="already holds seeded data"):
        call_command("seed_large", persons=200)
