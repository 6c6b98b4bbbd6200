import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kundenportal.core.net import client_ip
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Kläranlage-Essen-2026"


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_username_and_address_pair_is_locked_for_a_cool_off_period(settings):
    PersonFactory(username="max.mustermann", password=PASSWORD)
    attacker = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        # Case variants count for the same (case-insensitive) username.
        name = "MAX.mustermann" if i % 2 else "max.mustermann"
        expected = 429 if i == settings.AXES_FAILURE_LIMIT - 1 else 200
        assert _login(attacker, name, f"falsch-{i}").status_code == expected
    # Locked: even the right password is refused now.
    locked = _login(attacker, "max.mustermann", PASSWORD)
    assert locked.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in locked.content.decode()

    # The real user at another address is not locked out ...
    assert _login(Client(), "max.mustermann", PASSWORD, ip="198.51.100.20").status_code == 302
    # ... and another account from the attacker's address is not either.
    PersonFactory(username="erika.musterfrau", password=PASSWORD)
    assert _login(Client(), "erika.musterfrau", PASSWORD).status_code == 302

    # After the cool-off the pair may try again.
    with time_machine.travel(
        timezone.now() + dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    ):
        assert _login(Client(), "max.mustermann", PASSWORD).status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_success(settings):
    PersonFactory(username="max.mustermann", password=PASSWORD)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "max.mustermann", f"falsch-{i}")
    assert _login(client, "max.mustermann", PASSWORD).status_code == 302
    client.post(reverse("portal:logout"))
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "max.mustermann", f"falsch-{i}")
    assert _login(client, "max.mustermann", PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(settings):
    PersonFactory(username="vera.waltung", password=PASSWORD, is_staff=True)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "vera.waltung", "password": f"x{i}"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": "vera.waltung", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429


class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_client_address_behind_a_configured_number_of_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_Request("10.0.0.2", "1.2.3.4")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client may send its own X-Forwarded-For; only the proxy's entry (right-most) counts.
    assert client_ip(_Request("10.0.0.2", "6.6.6.6, 198.51.100.4")) == "198.51.100.4"
    assert client_ip(_Request("10.0.0.2", "198.51.100.4")) == "198.51.100.4"
    assert client_ip(_Request("10.0.0.2", "kein-ip")) == "10.0.0.2"
    assert client_ip(_Request("10.0.0.2")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_Request("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1")) == ("198.51.100.4")


def test_lockout_follows_the_forwarded_address_behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    PersonFactory(username="max.mustermann", password=PASSWORD)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("portal:login"),
            {"username": "max.mustermann", "password": f"x{i}"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    assert (
        Client()
        .post(
            reverse("portal:login"),
            {"username": "max.mustermann", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
        .status_code
        == 429
    )
    # Same proxy, another client address: not locked.
    response = Client().post(
        reverse("portal:login"),
        {"username": "max.mustermann", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.60",
    )
    assert response.status_code == 302


def test_password_reset_lifts_the_lockout(settings):
    from urllib.parse import urlsplit

    from kundenportal.portal.mails import password_reset_link

    person = PersonFactory(username="max.mustermann", password=PASSWORD)
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "max.mustermann", f"x{i}")
    assert _login(Client(), "max.mustermann", PASSWORD).status_code == 429

    client = Client()
    page = client.get(urlsplit(password_reset_link(person)).path, follow=True)
    new = "Neuer-Rechenschieber-2026!"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _login(Client(), "max.mustermann", new).status_code == 302
