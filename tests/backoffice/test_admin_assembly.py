"""The Event and the Person admin are assembled in one place and registered once."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib import admin
from django.urls import reverse

import kundenportal
from kundenportal.accounts.models import Person
from kundenportal.events.models import Event


def test_event_and_person_admin_are_the_backoffice_assembly():
    for model in (Event, Person):
        assert type(admin.site._registry[model]).__module__ == "kundenportal.backoffice.admin"


def test_assembled_admins_carry_every_part(rf):
    event_admin = admin.site._registry[Event]
    assert set(event_admin.actions) == {"confirm_events", "cancel_events", "generate_certificates"}
    assert "held_back" in event_admin.list_display
    person_admin = admin.site._registry[Person]
    assert set(person_admin.actions) == {"merge_accounts", "delete_accounts", "resend_credentials"}
    for name in (
        "events_event_confirm",
        "events_event_attendance",
        "events_event_cancel",
        "events_event_documents_upload",
        "events_event_certificates",
    ):
        assert reverse(f"admin:{name}", args=[1])
    for name in ("accounts_person_erase", "accounts_person_credentials"):
        assert reverse(f"admin:{name}", args=[1])
    assert reverse("admin:accounts_person_merge")


def test_no_app_replaces_another_apps_admin():
    """Unregister/re-register would make the order of INSTALLED_APPS decide which admin wins."""
    root = Path(kundenportal.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        # Django's own Group admin is replaced by a stricter one (accounts/admin.py).
        if ".unregister(" in line and ".unregister(Group)" not in line
    ]
    assert offenders == []


_SUMMARY = """
import django, json, sys
from django.conf import settings
apps = list(settings.INSTALLED_APPS)
if sys.argv[1] == "reversed":
    ours = [a for a in apps if a.startswith("kundenportal.")]
    positions = [i for i, a in enumerate(apps) if a.startswith("kundenportal.")]
    for i, app in zip(positions, reversed(ours)):
        apps[i] = app
    settings.INSTALLED_APPS = apps
django.setup()
from django.contrib import admin
print(json.dumps({
    m._meta.label_lower: [type(a).__module__, sorted(a.actions or []), len(a.get_urls())]
    for m, a in admin.site._registry.items()
}, sort_keys=True))
"""


def test_order_of_installed_apps_decides_nothing(tmp_path):
    """The same admins, actions and URLs whether the domain apps are listed bottom-up or
    top-down (a fresh interpreter each, so the registry is built from scratch)."""
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    root = Path(kundenportal.__file__).parent.parent
    out = [
        subprocess.run(
            [sys.executable, "-c", _SUMMARY, order],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for order in ("as-listed", "reversed")
    ]
    assert out[0] == out[1]
    assert '"events.event": ["kundenportal.backoffice.admin"' in out[0]
