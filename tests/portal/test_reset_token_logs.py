"""Reset tokens stay out of URLs after the first request and out of every log line."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from kundenportal.core.logs import REDACTED, REQUEST_LINE_LOGGERS, RedactFilter
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s\"<]+/portal/passwort-vergessen/([^/\s]+)/([^/\s\"<]+)/")
NEW_PASSWORD = "Sandfang-Belüftung-42"


def _link(client, participant):
    client.post(reverse("portal:password_reset"), {"identifier": participant.username})
    return LINK.search(mail_render(OutboxMail.objects.get()).body)


def test_first_request_redirects_to_a_token_free_url(client, participant):
    match = _link(client, participant)
    uid, token = match.group(1), match.group(2)
    first = client.get(urlsplit(match.group(0)).path)
    assert first.status_code == 302
    target = first["Location"]
    assert token not in target and target.endswith(f"/{uid}/neues-passwort/")
    page = client.get(target)
    assert "Neues Passwort festlegen" in page.content.decode()
    assert token not in page.content.decode()
    done = client.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert token not in done["Location"]
    participant.refresh_from_db()
    assert participant.check_password(NEW_PASSWORD)
    # Without the session that saw the token, the token-free URL opens nothing.
    assert "Dieser Link gilt nicht mehr" in Client().get(target).content.decode()


@pytest.mark.parametrize("name", ["gunicorn.access", "django.server", "django.request"])
def test_access_and_request_logs_never_show_the_token(client, participant, caplog, name):
    match = _link(client, participant)
    token, path = match.group(2), urlsplit(match.group(0)).path
    caplog.set_level(logging.INFO, logger=name)
    logger = logging.getLogger(name)
    # gunicorn's access log: a format string with a dict of atoms; runserver: %s arguments.
    logger.info('%(h)s "%(r)s" %(s)s', {"h": "203.0.113.9", "r": f"GET {path} HTTP/1.1", "s": 302})
    logger.info('"%s" %s %s', f"GET {path} HTTP/1.1", "302", "0")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert path.rsplit("/", 2)[0] + "/" + REDACTED in text
    assert token not in text


def test_the_filter_is_installed_on_every_access_logger():
    for name in REQUEST_LINE_LOGGERS:
        assert any(isinstance(f, RedactFilter) for f in logging.getLogger(name).filters)
