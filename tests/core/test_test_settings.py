"""The test settings do not depend on the developer's shell: a shell with DEBUG=1, plain logs,
a cache URL or another provider exported gives the same settings as a clean one."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "formatter": settings.LOGGING["formatters"]["default"]["()"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "session": settings.SESSION_ENGINE,
    "provider": settings.PROVIDER["name"],
    "site_url": settings.SITE_URL,
    "limit": settings.REGISTRATION_LIMIT_PER_IP_HOUR,
    "otp": settings.STAFF_OTP_REQUIRED,
    "media": str(settings.MEDIA_ROOT),
    "installed": "kundenportal.demo" in settings.INSTALLED_APPS,
}, sort_keys=True))
"""

DEVELOPER_SHELL = {
    "DEBUG": "1",
    "LOG_FORMAT": "plain",
    "LOG_LEVEL": "DEBUG",
    "CACHE_URL": "redis://127.0.0.1:6379/9",
    "PROVIDER_NAME": "Andere Akademie",
    "SITE_URL": "https://portal.example",
    "REGISTRATION_LIMIT_PER_IP_HOUR": "0",
    "STAFF_OTP_REQUIRED": "0",
    "MEDIA_ROOT": "/srv/somewhere-else",
    "CONN_MAX_AGE": "abc",  # not even a number: never read
}


def _settings_in(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PROBE}"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_exported_variables_do_not_change_the_test_settings():
    base = {"DJANGO_SETTINGS_MODULE": "config.test_settings"}
    clean = _settings_in(base)
    shell = _settings_in({**base, **DEVELOPER_SHELL})

    assert shell == clean
    assert clean["DEBUG"] is False
    assert clean["formatter"] == "kundenportal.core.logs.JsonFormatter"


def test_an_empty_database_url_means_the_default():
    base = {"DJANGO_SETTINGS_MODULE": "config.test_settings"}
    assert _settings_in({**base, "DATABASE_URL": ""}) == _settings_in(base)


def test_every_variable_the_settings_read_is_known_to_the_test_settings():
    from config import test_settings

    assert {"DEBUG", "LOG_FORMAT", "CACHE_URL", "PROVIDER_NAME", "VAR_DIR"} <= (
        test_settings.SETTINGS_VARIABLES
    )
    assert len(test_settings.SETTINGS_VARIABLES) > 50
