"""The second step of the staff login (production setting: STAFF_OTP_REQUIRED on)."""

import datetime as dt
import io
import re
from base64 import b32decode

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kundenportal.audit.models import AuditEntry
from kundenportal.staffauth.services import backup_code_digest
from tests.factories import PersonFactory
from tests.second_factor import totp_code, totp_device_for

pytestmark = pytest.mark.django_db
PASSWORD = "Kläranlage-Essen-2026"
PERSONS = reverse("admin:accounts_person_changelist")


@pytest.fixture
def staff(db):
    return PersonFactory(
        username="vera.waltung", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _password_step(client, username="vera.waltung", password=PASSWORD, next_url=PERSONS):
    return client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": username, "password": password, "next": next_url},
    )


def _code_step(client, code, next_url=PERSONS):
    return client.post(reverse("admin:second_factor"), {"code": code, "next": next_url})


def test_the_password_alone_opens_no_page_of_the_back_office(staff):
    totp_device_for(staff)
    client = Client()
    response = _password_step(client)
    assert response.status_code == 302
    # Every admin page, and the login page itself, lead to the code page.
    for url in (PERSONS, reverse("admin:index"), reverse("admin:login")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:second_factor")), url
    page = client.get(reverse("admin:second_factor") + f"?next={PERSONS}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anmeldung bestätigen" in text
    assert "Code aus der App oder Sicherungscode" in text
    # No navigation or list of models before the second step.
    assert "Teilnehmer/innen" not in text
    assert page["Cache-Control"] == "no-store, private"
    # A POST to an admin page does nothing either.
    assert client.post(PERSONS, {"action": "delete_selected"}).status_code == 302


def test_a_code_from_the_app_opens_the_back_office_with_a_new_session_key(staff):
    device = totp_device_for(staff)
    client = Client()
    _password_step(client)
    key_before = client.session.session_key
    response = _code_step(client, totp_code(device.bin_key))
    assert response.status_code == 302
    assert response["Location"] == PERSONS
    assert client.get(PERSONS).status_code == 200
    assert client.session.session_key != key_before


def test_a_wrong_code_is_refused_and_the_device_is_throttled(staff):
    device = totp_device_for(staff)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        _password_step(client)
        refused = _code_step(
            client, "000000" if totp_code(device.bin_key) != "000000" else "111111"
        )
        assert refused.status_code == 200
        assert "Dieser Code ist nicht gültig" in refused.content.decode()
        # Right after a failure even the right code is refused (django-otp's throttling),
        # in this session and in any other one: the count is in the device row.
        locked = _code_step(client, totp_code(device.bin_key))
        assert locked.status_code == 429
        assert "Zu viele falsche Codes" in locked.content.decode()
        other = Client()
        _password_step(other)
        assert _code_step(other, totp_code(device.bin_key)).status_code == 429
        assert client.get(PERSONS).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Every refused code is in the audit log, the throttled ones marked.
    refusals = AuditEntry.objects.filter(action="staff.second_factor_refused").order_by("pk")
    assert [e.data for e in refusals] == [
        {"device": "app", "throttled": False},
        {"device": "app", "throttled": True},
        {"device": "app", "throttled": True},
    ]

    with time_machine.travel(start + dt.timedelta(seconds=40), tick=False):
        response = _code_step(client, totp_code(device.bin_key))
        assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_app_codes_lock_for_longer_and_longer(staff):
    device = totp_device_for(staff)
    client = Client()
    _password_step(client)
    start = timezone.now()
    wrong = "123456"
    moment = start
    for failures in range(1, 5):
        with time_machine.travel(moment, tick=False):
            if totp_code(device.bin_key) == wrong:
                wrong = "654321"
            assert _code_step(client, wrong).status_code == 200
        device.refresh_from_db()
        assert device.throttling_failure_count == failures
        # Within the wait nothing is checked, a try does not count.
        with time_machine.travel(moment + dt.timedelta(seconds=2 ** (failures - 1) - 0.5)):
            assert _code_step(client, totp_code(device.bin_key)).status_code == 429
        moment += dt.timedelta(seconds=2 ** (failures - 1) + 0.1)
    device.refresh_from_db()
    assert device.throttling_failure_count == 4


def test_a_code_counts_only_once(staff):
    device = totp_device_for(staff)
    code = totp_code(device.bin_key)
    first, second = Client(), Client()
    _password_step(first)
    _password_step(second)
    assert _code_step(first, code).status_code == 302
    assert _code_step(second, code).status_code == 200
    assert second.get(PERSONS).status_code == 302


def test_a_backup_code_works_once(staff):
    totp_device_for(staff)
    device = StaticDevice.objects.create(user=staff, name="Sicherungscodes")
    device.token_set.create(token=backup_code_digest("abcd2345"))
    device.token_set.create(token=backup_code_digest("efgh6789"))
    client = Client()
    _password_step(client)
    # Typed in capitals and with a space, as from a sheet of paper.
    response = _code_step(client, "ABCD 2345")
    assert response.status_code == 302
    page = client.get(PERSONS)
    assert "Sicherungscode angemeldet; es bleiben 1" in page.content.decode()
    assert list(StaticToken.objects.values_list("token", flat=True)) == [
        backup_code_digest("efgh6789")
    ]
    passed = AuditEntry.objects.get(action="staff.second_factor_passed")
    assert passed.data == {"device": "backup", "backup_codes_left": 1}
    assert passed.object_id == str(staff.pk)

    again = Client()
    _password_step(again)
    assert _code_step(again, "abcd2345").status_code == 200
    assert again.get(PERSONS).status_code == 302


def test_first_login_sets_up_the_app_by_qr_code_and_shows_backup_codes_once(staff):
    client = Client()
    _password_step(client)
    response = client.get(PERSONS)
    assert response["Location"].startswith(reverse("admin:second_factor"))
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:second_factor_enrol"))

    page = client.get(response["Location"]).content.decode()
    assert "Zweiten Faktor einrichten" in page
    # The QR code is an image inside the page (a data: URI, which the CSP allows).
    assert re.search(r'<img class="staffauth-qr" src="data:image/svg\+xml', page)
    key = re.search(r'<code class="staffauth-key" id="totp-key">([A-Z2-7 ]+)</code>', page)[1]
    # A reload shows the same key (a scanned code stays good until confirmed).
    assert key in client.get(reverse("admin:second_factor_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert b32decode(key.replace(" ", "")) == device.bin_key
    assert "issuer=BEW%20Verwaltung" in device.config_url

    refused = client.post(reverse("admin:second_factor_enrol"), {"code": "000000", "next": PERSONS})
    assert "Dieser Code passt nicht" in refused.content.decode()
    assert client.get(PERSONS).status_code == 302

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):
        done = client.post(
            reverse("admin:second_factor_enrol"),
            {"code": totp_code(b32decode(key.replace(" ", ""))), "next": PERSONS},
        )
        assert done.status_code == 200
        text = done.content.decode()
        assert "Ihre Authenticator-App ist eingerichtet" in text
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", text)
        assert len(codes) == 10
        assert done["Cache-Control"] == "no-store, private"
        assert client.get(PERSONS).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    ) == sorted(backup_code_digest(c) for c in codes)
    assert AuditEntry.objects.filter(
        action="staff.second_factor_enrolled", object_id=str(staff.pk)
    ).exists()

    # Once set up, the password alone can no longer set up another app.
    later = Client()
    _password_step(later)
    response = later.get(reverse("admin:second_factor_enrol"))
    assert response["Location"].startswith(reverse("admin:second_factor"))
    assert later.post(reverse("admin:second_factor_enrol"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_password_alone_sets_up_no_app_while_backup_codes_are_left(staff):
    # The app is gone (e.g. deleted in the device admin), the backup codes are not: whoever
    # holds only the password must not enrol an app of their own.
    device = StaticDevice.objects.create(user=staff, name="Sicherungscodes", confirmed=True)
    device.token_set.create(token=backup_code_digest("abcd2345"))
    client = Client()
    _password_step(client)
    response = client.get(reverse("admin:second_factor_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:second_factor"))
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get(reverse("admin:second_factor")).status_code == 200


def test_the_code_pages_need_the_password_step_first(staff):
    client = Client()
    for name in ("admin:second_factor", "admin:second_factor_enrol"):
        response = client.get(reverse(name))
        assert response["Location"].startswith(reverse("admin:login")), name
    assert client.post(reverse("admin:second_factor"), {"code": "123456"}).status_code == 302
    # A participant's session does not reach them either.
    participant = PersonFactory(password=PASSWORD)
    client.force_login(participant)
    response = client.get(reverse("admin:second_factor_enrol"))
    assert response["Location"].startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.exists()


def test_only_local_addresses_are_followed_after_the_code(staff):
    device = totp_device_for(staff)
    client = Client()
    _password_step(client)
    response = _code_step(client, totp_code(device.bin_key), next_url="https://evil.example/")
    assert response["Location"] == reverse("admin:index")


def test_staff_may_log_out_between_the_steps(staff):
    totp_device_for(staff)
    client = Client()
    _password_step(client)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_participants_log_in_to_the_portal_without_a_second_factor(db):
    PersonFactory(username="max.mustermann", password=PASSWORD)
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": "max.mustermann", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert not TOTPDevice.objects.exists()
    # The back office stays closed to them as before.
    assert client.get(PERSONS)["Location"].startswith(reverse("admin:login"))


def test_staff_in_the_portal_still_need_the_code_for_the_back_office(staff):
    totp_device_for(staff)
    client = Client()
    client.post(reverse("portal:login"), {"username": "vera.waltung", "password": PASSWORD})
    assert client.get(PERSONS)["Location"].startswith(reverse("admin:second_factor"))


def test_development_may_switch_the_second_factor_off(staff, settings):
    settings.STAFF_OTP_REQUIRED = False
    client = Client()
    _password_step(client)
    assert client.get(PERSONS).status_code == 200


def test_new_backup_codes_replace_the_old_ones(staff):
    old = StaticDevice.objects.create(user=staff, name="Sicherungscodes")
    old.token_set.create(token=backup_code_digest("abcd2345"))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:second_factor_backup_codes"))
    assert "Unbenutzte Sicherungscodes: <strong>1</strong>" in page.content.decode()
    response = client.post(reverse("admin:second_factor_backup_codes"))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert backup_code_digest("abcd2345") not in StaticToken.objects.values_list("token", flat=True)
    assert AuditEntry.objects.filter(action="staff.backup_codes_renewed").count() == 1
    # The page is a back-office page: the password alone does not reach it.
    other = Client()
    _password_step(other)
    assert other.get(reverse("admin:second_factor_backup_codes"))["Location"].startswith(
        reverse("admin:second_factor")
    )


def test_reset_command_removes_the_devices_and_the_next_login_sets_up_again(staff):
    verified = Client()
    verified.force_login(staff)
    assert verified.get(PERSONS).status_code == 200
    StaticDevice.objects.create(user=staff, name="Sicherungscodes").token_set.create(
        token=backup_code_digest("abcd2345")
    )
    call_command("staff_second_factor_reset", "Vera.Waltung")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action="staff.second_factor_reset")
    assert entry.object_id == str(staff.pk)
    assert entry.data == {"devices": 2}
    # A session verified with the removed app counts no longer.
    assert verified.get(PERSONS)["Location"].startswith(reverse("admin:second_factor"))
    client = Client()
    _password_step(client)
    response = client.get(reverse("admin:second_factor"))
    assert response["Location"].startswith(reverse("admin:second_factor_enrol"))


def test_the_device_pages_of_the_admin_show_no_key(staff):
    device = totp_device_for(staff)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:staffauth_authenticatorapp_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    # django-otp's pages with the key and its QR code do not exist in the back office.
    for view in ("config", "qrcode"):
        url = f"/verwaltung/otp_totp/totpdevice/{device.pk}/{view}/"
        assert client.get(url).status_code == 404
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:otp_totp_totpdevice_{view}", args=[device.pk])
    backup = StaticDevice.objects.create(user=staff, name="Sicherungscodes")
    backup.token_set.create(token=backup_code_digest("abcd2345"))
    page = client.get(reverse("admin:staffauth_backupcodes_change", args=[backup.pk]))
    assert page.status_code == 200
    assert "abcd2345" not in page.content.decode()
    assert backup_code_digest("abcd2345") not in page.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "Zweiter Faktor: Authenticator-Apps" in index


def test_the_admin_login_is_throttled_before_the_code_step(staff, settings):
    totp_device_for(staff)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, password=f"falsch-{i}")
    assert _password_step(client).status_code == 429
    assert client.get(reverse("admin:second_factor"))["Location"].startswith(reverse("admin:login"))


def test_demo_staff_logs_in_with_a_printed_backup_code():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    password = re.search(r"verwaltung / (\S+)", text)[1]
    codes = re.search(r"Sicherungscodes \(je einmal gültig\): (.+)", text)[1].split(", ")
    key = re.search(r"den Schlüssel ([A-Z2-7]+) in eine", text)[1]
    client = Client()
    _password_step(client, username="verwaltung", password=password)
    assert _code_step(client, codes[0]).status_code == 302
    assert client.get(PERSONS).status_code == 200
    # The printed key is the app's: its code works too, from another session.
    other = Client()
    _password_step(other, username="verwaltung", password=password)
    assert _code_step(other, totp_code(b32decode(key))).status_code == 302


def test_the_code_pages_check_the_csrf_token(staff):
    device = totp_device_for(staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    session = client.session
    session.pop("otp_device_id")
    session.save()
    for name in ("admin:second_factor", "admin:second_factor_enrol"):
        response = client.post(reverse(name), {"code": totp_code(device.bin_key)})
        assert response.status_code == 403, name
    assert client.get(PERSONS).status_code == 302


def test_the_backup_codes_page_leads_back_to_the_back_office(staff):
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:second_factor_backup_codes")).content.decode()
    assert f'href="{reverse("admin:index")}">Zurück zur Verwaltung</a>' in page
    back = reverse("admin:events_event_changelist")
    page = client.get(reverse("admin:second_factor_backup_codes") + f"?next={back}")
    assert f'href="{back}">Zurück zur Verwaltung</a>' in page.content.decode()


def test_the_second_factor_page_is_linked_from_every_admin_page(staff):
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("admin:second_factor_backup_codes")}">Zweiter Faktor</a>' in html


def test_deleting_a_device_in_the_back_office_is_audited(staff):
    chef = PersonFactory(username="chef.in", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(chef)
    device = totp_device_for(staff)
    url = reverse("admin:staffauth_authenticatorapp_delete", args=[device.pk])
    page = client.get(url).content.decode()
    assert "Authenticator-App" in page
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = AuditEntry.objects.get(action="staff.second_factor_reset")
    assert entry.object_id == str(staff.pk)
    assert entry.actor_id == chef.pk
    assert entry.data == {"devices": 1, "kinds": ["totpdevice"]}
