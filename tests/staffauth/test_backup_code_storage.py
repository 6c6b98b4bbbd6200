"""Backup codes are stored as a keyed digest only: never readable again after they are shown."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from kundenportal.staffauth.services import (
    backup_code_digest,
    backup_codes_renew,
    second_factor_verify,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return PersonFactory(username="vera.waltung", is_staff=True)


def _backup_device(person, *tokens) -> StaticDevice:
    device = StaticDevice.objects.create(user=person, name="Sicherungscodes")
    for token in tokens:
        device.token_set.create(token=token)
    return device


def test_the_issued_codes_are_nowhere_in_the_token_table(staff):
    codes = backup_codes_renew(person=staff)
    assert len(set(codes)) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {backup_code_digest(code) for code in codes}
    assert not stored & set(codes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM otp_static_statictoken")
        table = repr(cursor.fetchall())
    for code in codes:
        assert code not in table
        assert code.upper() not in table


def test_an_issued_code_works_once(staff):
    code = backup_codes_renew(person=staff)[0]
    assert second_factor_verify(person=staff, token=code.upper()).device is not None
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    assert second_factor_verify(person=staff, token=code).device is None


def test_a_digest_made_under_a_fallback_key_still_verifies(staff, settings):
    settings.SECRET_KEY_FALLBACKS = ["alter-schluessel-1", "alter-schluessel-2"]
    device = _backup_device(
        staff,
        backup_code_digest("abcd2345", secret="alter-schluessel-2"),
        backup_code_digest("efgh6789", secret="ausgemusterter-schluessel"),
    )
    assert second_factor_verify(person=staff, token="abcd2345").device == device
    assert not device.token_set.filter(
        token=backup_code_digest("abcd2345", secret="alter-schluessel-2")
    ).exists()
    # A key no longer among the fallbacks verifies nothing.
    assert second_factor_verify(person=staff, token="efgh6789").device is None


def test_a_wrong_code_counts_one_failure_only(staff, settings):
    settings.SECRET_KEY_FALLBACKS = ["alter-schluessel-1", "alter-schluessel-2"]
    device = _backup_device(staff, backup_code_digest("abcd2345"))
    assert second_factor_verify(person=staff, token="zzzz2345").device is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert device.token_set.count() == 1


def test_the_migration_turns_plain_tokens_into_working_digests(staff):
    migration = importlib.import_module(
        "kundenportal.staffauth.migrations.0001_backup_codes_digest"
    )
    device = StaticDevice.objects.create(user=staff, name="Sicherungscodes")
    # As stored before: bulk_create passes no signal, so the plain token lands as it is.
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=t) for t in ("abcd2345", backup_code_digest("efgh6789"))]
    )
    assert "abcd2345" in device.token_set.values_list("token", flat=True)
    migration.tokens_digest(apps, None)
    expected = {backup_code_digest("abcd2345"), backup_code_digest("efgh6789")}
    assert set(device.token_set.values_list("token", flat=True)) == expected
    # Run again, digests stay as they are.
    migration.tokens_digest(apps, None)
    assert set(device.token_set.values_list("token", flat=True)) == expected
    assert second_factor_verify(person=staff, token="abcd2345").device == device
    assert second_factor_verify(person=staff, token="efgh6789").device == device


def test_a_code_saved_as_typed_is_stored_as_its_digest(staff):
    # The admin's token rows and django-otp's addstatictoken save a code as typed.
    device = _backup_device(staff, "Wxyz 2345")
    assert list(device.token_set.values_list("token", flat=True)) == [
        backup_code_digest("wxyz2345")
    ]
    assert second_factor_verify(person=staff, token="wxyz2345").device == device
    assert not device.token_set.exists()
