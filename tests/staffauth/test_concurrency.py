"""One code, two requests at the same instant (PostgreSQL, threads): only one is let in."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice

from kundenportal.staffauth.services import backup_code_digest, second_factor_verify
from tests.accounts.test_usernames_concurrency import run_parallel
from tests.factories import PersonFactory
from tests.second_factor import totp_code, totp_device_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_app_code_sent_twice_at_once_counts_once():
    staff = PersonFactory(username="vera.waltung", is_staff=True)
    device = totp_device_for(staff)
    code = totp_code(device.bin_key)
    results = run_parallel([lambda: second_factor_verify(person=staff, token=code)] * 4)
    assert sum(r.device is not None for r in results) == 1


def test_a_backup_code_sent_twice_at_once_counts_once():
    staff = PersonFactory(username="vera.waltung", is_staff=True)
    StaticDevice.objects.create(user=staff, name="Sicherungscodes").token_set.create(
        token=backup_code_digest("abcd2345")
    )
    results = run_parallel([lambda: second_factor_verify(person=staff, token="abcd2345")] * 4)
    assert sum(r.device is not None for r in results) == 1
