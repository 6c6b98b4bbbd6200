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


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    person = PersonFactory(password="Kläranlage-Essen-2026")
    assert person.password.startswith("argon2")
    assert get_hasher("default").algorithm == "argon2"


# Counted on Argon2: other hashers (MD5) call encode inside verify.
@pytest.mark.argon2
@pytest.mark.parametrize("state", ["unknown", "no_password", "inactive", "own_password", "initial"])
def test_every_login_attempt_costs_one_password_hash(state, monkeypatch):
    """No timing difference reveals whether a username exists or what state it is in."""
    from django.contrib.auth import hashers

    from kundenportal.accounts.credentials import initial_password_set

    if state == "no_password":
        PersonFactory(username="max.mustermann")
    elif state == "inactive":
        PersonFactory(username="max.mustermann", password="Kläranlage-Essen-2026", is_active=False)
    elif state == "own_password":
        PersonFactory(username="max.mustermann", password="Kläranlage-Essen-2026")
    elif state == "initial":
        person = PersonFactory(username="max.mustermann")
        initial_password_set(person=person, raw_password="abcd-efgh-jkmn-pqrs")

    hasher_class = type(hashers.get_hasher("default"))
    calls = []
    original_encode, original_verify = hasher_class.encode, hasher_class.verify

    def counting_encode(self, password, salt):
        calls.append("encode")
        return original_encode(self, password, salt)

    def counting_verify(self, password, encoded):
        calls.append("verify")
        return original_verify(self, password, encoded)

    monkeypatch.setattr(hasher_class, "encode", counting_encode)
    monkeypatch.setattr(hasher_class, "verify", counting_verify)
    assert authenticate(username="max.mustermann", password="falsches-Passwort-123") is None
    assert len(calls) == 1
