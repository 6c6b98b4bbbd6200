"""Logins and failures (portal and Verwaltung) in the audit log and as log lines,
pseudonymised: a spraying attack shows as one address hash over many username hashes."""

import json
import logging

import pytest
from django.test import Client

from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_username_hash
from kundenportal.portal.auth_events import auth_event_fields
from tests.factories import PersonFactory
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER_IP = "203.0.113.77"
STAFF_PASSWORD = "Verwaltung-Essen-2026"


def _post(url, username, password, ip=ATTACKER_IP):
    return Client(REMOTE_ADDR=ip).post(url, {"username": username, "password": password})


def _everything(caplog) -> str:
    entries = list(AuditEntry.objects.filter(action__startswith="auth.").values())
    lines = [r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records]
    return json.dumps(entries, default=str) + "\n".join(lines)


def test_portal_login_and_failures_are_recorded_pseudonymised(participant, caplog):
    caplog.set_level(logging.INFO, logger="kundenportal.auth")
    _post("/portal/anmelden/", "max.mustermann", PASSWORD, ip="198.51.100.5")
    for name in ("anna.schmidt", "jan.meier", "max.mustermann"):
        _post("/portal/anmelden/", name, "Sommer2025!")

    ok = AuditEntry.objects.get(action="auth.login")
    assert ok.object_id == str(participant.pk) and ok.data["area"] == "portal"
    assert ok.data["username_hash"] == audit_username_hash("max.mustermann")
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert failed.count() == 3
    # Spraying: one address, three usernames.
    assert len({e.data["ip_hash"] for e in failed}) == 1
    assert len({e.data["username_hash"] for e in failed}) == 3
    assert ok.data["ip_hash"] != failed[0].data["ip_hash"]
    assert ok.data["net_hash"] != failed[0].data["net_hash"]

    lines = [r.getMessage() for r in caplog.records if r.name == "kundenportal.auth"]
    assert len(lines) == 4
    assert lines[0].startswith("event=auth.login area=portal user=")
    expected = auth_event_fields(username="jan.meier", address=ATTACKER_IP)
    assert any(
        f"user={expected['username_hash'][:16]} ip={expected['ip_hash'][:16]}" in line
        for line in lines
    )
    text = _everything(caplog)
    for plain in ("max.mustermann", "anna.schmidt", "jan.meier", ATTACKER_IP, "198.51.100"):
        assert plain not in text
    for secret in (PASSWORD, "Sommer2025!"):
        assert secret not in text


def test_admin_login_and_failure_are_recorded(caplog):
    caplog.set_level(logging.INFO, logger="kundenportal.auth")
    PersonFactory(username="leitung.essen", is_staff=True, password=STAFF_PASSWORD)
    _post("/verwaltung/login/", "leitung.essen", "falsch-geraten-123")
    _post("/verwaltung/login/", "Leitung.Essen", STAFF_PASSWORD)
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="auth.")}
    assert entries.keys() == {"auth.login", "auth.login_failed"}
    assert {e.data["area"] for e in entries.values()} == {"verwaltung"}
    # Case-insensitive usernames give the same hash.
    assert len({e.data["username_hash"] for e in entries.values()}) == 1
    text = _everything(caplog)
    for plain in (
        "leitung.essen",
        "Leitung.Essen",
        ATTACKER_IP,
        STAFF_PASSWORD,
        "falsch-geraten-123",
    ):
        assert plain not in text


def test_hashes_are_keyed(settings):
    first = auth_event_fields(username="max.mustermann", address=ATTACKER_IP)
    settings.AUTH_EVENT_HASH_KEY = "ein-anderer-schluessel"
    second = auth_event_fields(username="max.mustermann", address=ATTACKER_IP)
    assert first["ip_hash"] != second["ip_hash"] and first["net_hash"] != second["net_hash"]
