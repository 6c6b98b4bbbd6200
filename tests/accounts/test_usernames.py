import pytest

from kundenportal.accounts.models import Person, UsernameSeries
from kundenportal.accounts.services import person_create
from kundenportal.accounts.usernames import username_base, username_issue


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Max", "Mustermann", "max.mustermann"),
        ("Jürgen", "Größe", "juergen.groesse"),
        ("Anna Maria", "von der Heide", "anna-maria.von-der-heide"),
        ("ÖZLEM", "Yıldız", "oezlem.yildiz"),
        ("Zoë", "D'Arcy-Smith", "zoe.darcy-smith"),
        ("Björn", "Ändersson", "bjoern.aendersson"),
    ],
)
def test_username_base_follows_german_rules(first, last, expected):
    assert username_base(first_name=first, last_name=last) == expected


@pytest.mark.django_db
def test_duplicates_get_increasing_suffix():
    names = [username_issue(first_name="Max", last_name="Mustermann") for _ in range(3)]
    assert names == ["max.mustermann", "max.mustermann1", "max.mustermann2"]
    assert UsernameSeries.objects.count() == 1


@pytest.mark.django_db
def test_name_of_deleted_account_is_never_issued_again():
    first = person_create(first_name="Max", last_name="Mustermann")
    first.delete()
    again = person_create(first_name="Max", last_name="Mustermann")
    assert again.username == "max.mustermann1"
    # Only a keyed hash of the base is kept, never the name.
    assert "mustermann" not in UsernameSeries.objects.get().base_hash


@pytest.mark.django_db
def test_existing_hand_made_account_is_skipped():
    Person.objects.create_user("max.mustermann", first_name="Max", last_name="Mustermann")
    assert username_issue(first_name="Max", last_name="Mustermann") == "max.mustermann1"


@pytest.mark.django_db
@pytest.mark.parametrize("last_name", ["O'Brien", "O’Brien"])
def test_apostrophe_in_a_name_is_dropped_from_the_username(last_name):
    person = person_create(first_name="Seán", last_name=last_name)
    assert person.username == "sean.obrien"
    # The name itself keeps its apostrophe.
    assert person.last_name == last_name
