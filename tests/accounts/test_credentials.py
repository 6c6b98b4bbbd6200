import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate

from kundenportal.accounts.backends import INITIAL_PASSWORD_ATTR
from kundenportal.accounts.credentials import (
    ALPHABET,
    initial_password_check,
    initial_password_generate,
    initial_password_set,
    person_set_own_password,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_generated_password_is_readable_and_strong():
    password = initial_password_generate()
    groups = password.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert all(c in ALPHABET for c in "".join(groups))
    assert not set("0O1lI") & set(password)
    assert initial_password_generate() != password
    # 16 characters from 56: well above the 70 bits the SPEC asks for.
    import math

    assert 16 * math.log2(len(ALPHABET)) >= 70


def test_seeded_password_is_deterministic():
    assert initial_password_generate(seed=b"mail-7") == initial_password_generate(seed=b"mail-7")
    assert initial_password_generate(seed=b"mail-7") != initial_password_generate(seed=b"mail-8")


@pytest.mark.argon2
def test_initial_password_logs_in_marked_and_is_stored_hashed():
    person = PersonFactory(username="kaethe.mueller")
    initial_password_set(person=person, raw_password="abcd-efgh-jkmn-pqrs")
    person.refresh_from_db()
    assert "abcd-efgh-jkmn-pqrs" not in person.initial_password
    assert person.initial_password.startswith("argon2")

    user = authenticate(username="Kaethe.Mueller", password="abcd-efgh-jkmn-pqrs")
    assert user == person
    assert getattr(user, INITIAL_PASSWORD_ATTR, False) is True


def test_new_initial_password_replaces_old_one():
    person = PersonFactory()
    initial_password_set(person=person, raw_password="aaaa-bbbb-cccc-dddd")
    initial_password_set(person=person, raw_password="eeee-ffff-gggg-hhhh")
    assert not initial_password_check(person=person, raw_password="aaaa-bbbb-cccc-dddd")
    assert initial_password_check(person=person, raw_password="eeee-ffff-gggg-hhhh")


def test_initial_password_expires(settings):
    settings.INITIAL_PASSWORD_VALID_DAYS = 30
    person = PersonFactory()
    initial_password_set(person=person, raw_password="aaaa-bbbb-cccc-dddd")
    with time_machine.travel(dt.timedelta(days=29, hours=23), tick=False):
        assert initial_password_check(person=person, raw_password="aaaa-bbbb-cccc-dddd")
    with time_machine.travel(dt.timedelta(days=30, minutes=1), tick=False):
        assert not initial_password_check(person=person, raw_password="aaaa-bbbb-cccc-dddd")
        assert authenticate(username=person.username, password="aaaa-bbbb-cccc-dddd") is None


def test_own_password_ends_initial_password_and_never_is_it():
    person = PersonFactory()
    initial_password_set(person=person, raw_password="aaaa-bbbb-cccc-dddd")
    person_set_own_password(person=person, raw_password="Mein-Klärwerk-2026!")
    person.refresh_from_db()
    assert person.has_own_password
    assert authenticate(username=person.username, password="aaaa-bbbb-cccc-dddd") is None
    user = authenticate(username=person.username, password="Mein-Klärwerk-2026!")
    assert user == person
    assert not getattr(user, INITIAL_PASSWORD_ATTR, False)
