import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_username_is_case_insensitive_at_login():
    person = PersonFactory(username="max.mustermann", password="Kläranlage-Essen-2026")
    assert authenticate(username="Max.Mustermann", password="Kläranlage-Essen-2026") == person
    assert authenticate(username=" MAX.MUSTERMANN ", password="Kläranlage-Essen-2026") == person
    assert authenticate(username="max.mustermann", password="falsch") is None


def test_passwords_are_hashed_with_argon2():
    person = PersonFactory(password="Kläranlage-Essen-2026")
    assert person.password.startswith("argon2")
    assert get_hasher("default").algorithm == "argon2"
