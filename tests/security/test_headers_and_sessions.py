import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def participant(db):
    return PersonFactory(username="max.mustermann")


def test_csp_forbids_inline_scripts_and_styles(client):
    response = client.get(reverse("portal:login"))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = [
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),
    re.compile(r"javascript:", re.I),
]


def _assert_no_inline(html, url):
    for pattern in INLINE:
        assert not pattern.search(html), f"{url}: inline code {pattern.pattern}"


def test_no_page_of_the_portal_uses_inline_script_or_style(client, participant):
    public = ["/", reverse("portal:login"), reverse("portal:password_reset")]
    for url in public:
        _assert_no_inline(client.get(url).content.decode(), url)
    client.force_login(participant)
    for name in (
        "home",
        "participations",
        "course_documents",
        "documents",
        "data",
        "password_change",
        "deletion_request",
    ):
        url = reverse(f"portal:{name}")
        _assert_no_inline(client.get(url).content.decode(), url)


def test_admin_needs_only_own_scripts(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    for url in (
        "/verwaltung/",
        "/verwaltung/documents/coursedocument/add/",
        "/verwaltung/privacy/deletionrequest/",
    ):
        html = client.get(url).content.decode()
        assert not INLINE[0].search(html), url


def test_idle_session_ends_after_30_minutes(client, participant, settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(participant)
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/portal/").status_code == 200
        # Activity keeps it alive ...
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/portal/").status_code == 200
        # ... 31 idle minutes end it.
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/portal/")
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/anmelden/")
        page = client.get(response["Location"]).content.decode()
        assert "Ihre Sitzung ist abgelaufen" in page
        assert client.get("/portal/").status_code == 302


def test_active_session_ends_after_12_hours(client, participant, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(participant)
        for _ in range(12 * 3 - 1):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/portal/").status_code == 200
        traveller.shift(dt.timedelta(minutes=21))
        assert client.get("/portal/").status_code == 302


def test_session_limits_are_configurable(client, participant, settings):
    settings.SESSION_IDLE_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(participant)
        traveller.shift(dt.timedelta(seconds=61))
        assert client.get("/portal/").status_code == 302


def test_staff_session_limits_lead_back_to_the_admin_login(client, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(PersonFactory(username="vera.waltung", is_staff=True))
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/verwaltung/")
        assert response["Location"].startswith("/verwaltung/login/")


def test_production_cookies_are_secure_host_only_and_same_site():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT(yU)",
        "ALLOWED_HOSTS": "kundenportal.example",
        "DATABASE_URL": "sqlite:////tmp/kundenportal-cookie-check.sqlite3",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        "__Host-sessionid",
        "True",
        "True",
        "Lax",
        "__Host-csrftoken",
        "True",
    ]
