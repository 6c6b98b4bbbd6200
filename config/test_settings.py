"""Settings of the test suite: the production settings with the few differences tests need.

Production behaviour is the default in ``config.settings``; nothing there asks whether tests
run. Tests that check production settings start a process with ``config.settings`` itself
(tests/core/test_settings.py).
"""

import os
import re
from pathlib import Path

# The suite asserts the settings' own defaults, so it must not depend on what a developer has
# exported (DEBUG=1, LOG_FORMAT=plain, CACHE_URL, PROVIDER_NAME, ...): every variable that
# config/settings.py reads is removed before it is imported, except the few that choose where
# the tests run. Processes the tests start inherit the cleaned environment; what a test sets
# for such a process on purpose (EMAIL_URL of a test SMTP server, ...) is kept there, which
# the marker variable says.
KEPT_VARIABLES = frozenset({"DATABASE_URL"})
CLEANED_MARKER = "KUNDENPORTAL_TEST_ENVIRONMENT_CLEANED"
_SETTINGS_SOURCE = (Path(__file__).resolve().parent / "settings.py").read_text(encoding="utf-8")
SETTINGS_VARIABLES = frozenset(
    re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", _SETTINGS_SOURCE)
    + re.findall(r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""", _SETTINGS_SOURCE)
)
if not os.environ.get(CLEANED_MARKER):
    for _name in SETTINGS_VARIABLES - KEPT_VARIABLES:
        os.environ.pop(_name, None)
    if not os.environ.get("DATABASE_URL", "").strip():
        # An exported but empty DATABASE_URL means the default (SQLite), as it does unset.
        os.environ.pop("DATABASE_URL", None)
    os.environ["SECRET_KEY"] = "test-only-key-never-use-in-production-0123456789abcdefghij"  # noqa: S105
    os.environ[CLEANED_MARKER] = "1"

from config.settings import *  # noqa: E402, F403
from config.settings import INSTALLED_APPS, STATIC_ROOT, STORAGES  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# The demo data command is tested too.
if "kundenportal.demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "kundenportal.demo"]

# The test client and the live server speak plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

# Static files straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# "Passwort vergessen" pads its answer in production; tests measure the work, not the wait.
PASSWORD_RESET_MIN_SECONDS = 0.0

# The webhook tests' receiver is plain HTTP on loopback.
WEBHOOK_REQUIRE_HTTPS = False
# The tests' receivers listen on loopback.
WEBHOOK_PRIVATE_ADDRESSES = True
